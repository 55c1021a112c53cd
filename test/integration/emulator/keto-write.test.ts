import { relationship } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Writing relation tuples: create (idempotent), patch (all or nothing), delete by query.
emulatorTest('relation tuples: create, patch and delete', async (t, emu) => {
  const { client } = emu
  const created = await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc-1', relation: 'owners', subject_id: 'ada' } })
  t.equal(created.status, 201)
  t.same(created.body, { namespace: 'Document', object: 'doc-1', relation: 'owners', subject_id: 'ada' })
  await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc-1', relation: 'owners', subject_id: 'ada' } })
  t.equal(emu.state.relationships.size, 1, 'writing the same tuple twice stores it once')
  await relationship.createRelationship(client, {
    body: { namespace: 'Document', object: 'doc-1', relation: 'viewers', subject_set: { namespace: 'Group', object: 'staff', relation: 'members' } }
  })

  const noSubject = await oryError(t, relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc-1', relation: 'owners' } }), 400)
  // ketoapi `RelationTuple.Validate` (ErrNilSubject): herodot's WithError puts the text in `message`.
  t.equal(noSubject.error.message, 'subject is not allowed to be nil')
  await oryError(t, relationship.createRelationship(client, {
    body: { namespace: 'Document', object: 'doc-1', relation: 'owners', subject_id: 'x', subject_set: { namespace: 'G', object: 'g', relation: 'm' } }
  }), 400)
  await oryError(t, relationship.createRelationship(client, { body: { object: 'doc-1', relation: 'owners', subject_id: 'x' } }), 400)

  const invalidPatch = await oryError(t, relationship.patchRelationships(client, {
    body: [
      { action: 'insert', relation_tuple: { namespace: 'Document', object: 'doc-2', relation: 'owners', subject_id: 'grace' } },
      { action: 'upsert' as 'insert', relation_tuple: { namespace: 'Document', object: 'doc-3', relation: 'owners', subject_id: 'grace' } }
    ]
  }), 400)
  // internal/relationtuple/transact_server.go `patchRelationTuples`: "unknown action …" as the message.
  t.equal(invalidPatch.error.message, 'unknown action upsert')
  t.equal(emu.state.relationships.size, 2, 'nothing of a refused patch was applied')

  const patched = await relationship.patchRelationships(client, {
    body: [
      { action: 'insert', relation_tuple: { namespace: 'Document', object: 'doc-2', relation: 'owners', subject_id: 'grace' } },
      { action: 'delete', relation_tuple: { namespace: 'Document', object: 'doc-1', relation: 'owners', subject_id: 'ada' } }
    ]
  })
  t.equal(patched.status, 204)
  t.same((await relationship.getRelationships(client, { namespace: 'Document', relation: 'owners' })).body.relation_tuples?.map(r => r.subject_id), ['grace'])

  await oryError(t, relationship.deleteRelationships(client), 400)
  const deleted = await relationship.deleteRelationships(client, { namespace: 'Document', object: 'doc-1' })
  t.equal(deleted.status, 204)
  t.same((await relationship.getRelationships(client)).body.relation_tuples?.map(r => r.object), ['doc-2'])
  t.same((await relationship.listRelationshipNamespaces(client)).body, { namespaces: [{ name: 'Document' }] })
})
