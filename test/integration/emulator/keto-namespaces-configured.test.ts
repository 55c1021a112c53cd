import { relationship } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// With namespaces configured, Keto maps every written tuple's namespace through its namespace manager
// (internal/relationtuple/uuid_mapping.go `FromTuple`; internal/driver/config/namespace_memory.go
// `GetNamespaceByName`): an unknown one is herodot's 404 "Unknown namespace with name …", and nothing is written.
emulatorTest('writes to an unknown namespace are refused when namespaces are configured', async (t, emu) => {
  const { client } = emu
  const created = await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc', relation: 'view', subject_id: 'ada' } })
  t.equal(created.status, 201)

  const put = await oryError(t, relationship.createRelationship(client, { body: { namespace: 'Folder', object: 'f', relation: 'view', subject_id: 'ada' } }), 404)
  t.same(put.error, {
    code: 404,
    status: 'Not Found',
    request: put.error.request,
    reason: 'Unknown namespace with name "Folder".',
    message: 'The requested resource could not be found'
  })
  const patch = await oryError(t, relationship.patchRelationships(client, {
    body: [
      { action: 'insert', relation_tuple: { namespace: 'Document', object: 'doc-2', relation: 'view', subject_id: 'ada' } },
      { action: 'insert', relation_tuple: { namespace: 'Document', object: 'doc-3', relation: 'view', subject_set: { namespace: 'Folder', object: 'f', relation: 'view' } } }
    ]
  }), 404)
  t.equal(patch.error.reason, 'Unknown namespace with name "Folder".', 'a subject set\'s namespace is checked too')
  t.equal(emu.state.relationships.size, 1, 'nothing of the refused writes was stored')
  t.same((await relationship.listRelationshipNamespaces(client)).body, { namespaces: [{ name: 'Document' }, { name: 'Group' }] }, 'the configured namespaces are listed')
}, { namespaces: ['Document', 'Group'] })
