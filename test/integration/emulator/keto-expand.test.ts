import { permission, relationship } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Expand shows who is in a subject set: leaves for subject ids, unions for subject sets, as deep as max-depth allows.
emulatorTest('expand builds the tree of subject ids and subject sets', async (t, emu) => {
  const { client } = emu
  await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc', relation: 'view', subject_id: 'ada' } })
  await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc', relation: 'view', subject_set: { namespace: 'Group', object: 'staff', relation: 'members' } } })
  await relationship.createRelationship(client, { body: { namespace: 'Group', object: 'staff', relation: 'members', subject_id: 'grace' } })
  await relationship.createRelationship(client, { body: { namespace: 'Group', object: 'staff', relation: 'members', subject_id: 'linus' } })

  const tree = await permission.expandPermissions(client, { namespace: 'Document', object: 'doc', relation: 'view' })
  const set = (namespace: string, object: string, relation: string) => ({ namespace, object, relation, subject_set: { namespace, object, relation } })
  const leaf = (subject: string) => ({ type: 'leaf', tuple: { namespace: '', object: '', relation: '', subject_id: subject } })
  t.same(tree.body, {
    type: 'union',
    tuple: set('Document', 'doc', 'view'),
    children: [
      leaf('ada'),
      { type: 'union', tuple: set('Group', 'staff', 'members'), children: [leaf('grace'), leaf('linus')] }
    ]
  })

  const shallow = await permission.expandPermissions(client, { namespace: 'Document', object: 'doc', relation: 'view', 'max-depth': 1 })
  t.same(shallow.body.children?.[1], { type: 'leaf', tuple: set('Group', 'staff', 'members') }, 'max-depth 1 leaves the subject set unexpanded')

  await oryError(t, permission.expandPermissions(client, { namespace: 'Document', object: 'nothing', relation: 'view' }), 404)
})
