import { relationship } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Keto's 400s for malformed tuples and patches are herodot errors built with `WithError` (ketoapi/
// public_api_definitions.go `ErrNilSubject`, `ErrDuplicateSubject`; internal/relationtuple/transact_server.go
// `patchRelationTuples`): the text is in `error.message`, and there is no `reason`.
emulatorTest('Keto\'s 400s for malformed tuples carry their text as the message', async (t, emu) => {
  const { client } = emu
  const expect = (body: any, message: string, label: string): void => {
    t.same(body?.error, { code: 400, status: 'Bad Request', request: body?.error?.request, message }, label)
  }
  expect(await oryError(t, relationship.createRelationship(client, { body: { namespace: 'Document', object: 'doc', relation: 'view' } }), 400),
    'subject is not allowed to be nil', 'a tuple without a subject')
  expect(await oryError(t, relationship.patchRelationships(client, {
    body: [{ action: 'upsert' as 'insert', relation_tuple: { namespace: 'Document', object: 'doc', relation: 'view', subject_id: 'ada' } }]
  }), 400), 'unknown action upsert', 'an unknown patch action')
  expect(await oryError(t, relationship.patchRelationships(client, { body: [{ action: 'insert' }] }), 400),
    'relation_tuple is missing', 'a patch without its tuple')
  expect(await oryError(t, relationship.getRelationships(client, { subject_id: 'ada', 'subject_set.namespace': 'Group' } as never), 400),
    'exactly one of subject_set or subject_id has to be provided', 'a query with both kinds of subject')
})
