import { permission, relationship } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

// Expand shows who is in a subject set, shaped as Keto shapes it (internal/expand/engine.go `buildTreeDirect`,
// internal/relationtuple/uuid_mapping.go `ToTree`): each node's tuple carries only its subject (namespace, object
// and relation are empty strings), a node without children is a `leaf`, a node at the last level of max-depth is not
// expanded, and a subject set already being expanded on the path (a cycle) is not expanded again.
emulatorTest('expand builds the tree of subject ids and subject sets', async (t, emu) => {
  const { client } = emu
  await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc', relation: 'view', subject_id: 'ada' } })
  await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc', relation: 'view', subject_set: { namespace: 'Group', object: 'staff', relation: 'members' } } })
  await relationship.createRelationship(client, { body: { namespace: 'Group', object: 'staff', relation: 'members', subject_id: 'grace' } })
  await relationship.createRelationship(client, { body: { namespace: 'Group', object: 'staff', relation: 'members', subject_id: 'linus' } })

  const tree = await permission.expandPermissions(client, { namespace: 'Document', object: 'doc', relation: 'view' })
  const set = (namespace: string, object: string, relation: string) => ({ namespace: '', object: '', relation: '', subject_set: { namespace, object, relation } })
  const leaf = (subject: string) => ({ type: 'leaf', tuple: { namespace: '', object: '', relation: '', subject_id: subject } })
  t.same(tree.body, {
    type: 'union',
    tuple: set('Document', 'doc', 'view'),
    children: [
      leaf('ada'),
      { type: 'union', tuple: set('Group', 'staff', 'members'), children: [leaf('grace'), leaf('linus')] }
    ]
  })

  // Keto's expand handler test expands a one-level tree with max-depth 2; max-depth 1 expands nothing.
  const two = await permission.expandPermissions(client, { namespace: 'Document', object: 'doc', relation: 'view', 'max-depth': 2 })
  t.same(two.body.children?.[1], { type: 'leaf', tuple: set('Group', 'staff', 'members') }, 'max-depth 2 leaves the subject set unexpanded')
  const one = await permission.expandPermissions(client, { namespace: 'Document', object: 'doc', relation: 'view', 'max-depth': 1 })
  t.same(one.body, { type: 'leaf', tuple: set('Document', 'doc', 'view') }, 'max-depth 1 expands nothing')

  await relationship.createRelationship(client, { body: { namespace: 'Group', object: 'staff', relation: 'members', subject_set: { namespace: 'Document', object: 'doc', relation: 'view' } } })
  const cyclic = await permission.expandPermissions(client, { namespace: 'Document', object: 'doc', relation: 'view' })
  t.same(cyclic.body.children?.[1]?.children?.[2], { type: 'leaf', tuple: set('Document', 'doc', 'view') }, 'a cycle ends in a leaf')
})
