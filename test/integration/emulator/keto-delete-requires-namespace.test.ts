import { relationship } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Keto's deleteRelations (internal/relationtuple/transact_server.go) validates the query first
// (internal/x/validate: NoExtraQueryParams, QueryParamsContainsOneOf("namespace")): without a namespace it is
// herodot's 400 with the reason "query parameters must specify at least one of the following: namespace", even when
// other parts of the query are given, and nothing is deleted.
emulatorTest('DELETE /admin/relation-tuples without a namespace is refused', async (t, emu) => {
  const { client } = emu
  await relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc-1', relation: 'view', subject_id: 'ada' } })

  const withoutNamespace = await oryError(t, relationship.deleteRelationships(client, { object: 'doc-1' }), 400)
  t.same(withoutNamespace.error, {
    code: 400,
    status: 'Bad Request',
    request: withoutNamespace.error.request,
    reason: 'query parameters must specify at least one of the following: namespace',
    message: 'The request was malformed or contained invalid parameters'
  })
  t.equal(emu.state.relationships.size, 1, 'nothing was deleted')

  const unknownKey = await fetch(`${emu.url}/admin/relation-tuples?namespace=Document&colour=red`, { method: 'DELETE' })
  t.equal(unknownKey.status, 400)
  t.equal((await unknownKey.json() as { error: { reason: string } }).error.reason, 'query parameter key "colour" unknown')

  t.equal((await relationship.deleteRelationships(client, { namespace: 'Document' })).status, 204)
  t.equal(emu.state.relationships.size, 0)
})
