import { frontend, identity } from '../../../src/ory/index.js'
import { emulatorTest, oryError, PASSWORD } from '../../helpers/emulator.js'

// Kratos's deleteMySession (session/handler.go): an id that is not a UUID is 400 with the parser's error as the
// message; the current session is 400 "cannot revoke current session" (a message, no reason: the logout hint is only
// debug); any other id is 204, since RevokeSession (persistence/sql/persister_session.go) is an UPDATE that may
// match nothing, whether the session is unknown, someone else's or already revoked.
emulatorTest('DELETE /sessions/{id} answers as Kratos: 400 for a bad id or the current session, 204 otherwise', async (t, emu) => {
  const { client } = emu
  await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'ada@example.com' }, credentials: { password: { config: { password: PASSWORD } } } } })
  const flow = await frontend.createNativeLoginFlow(client)
  const done = await frontend.updateLoginFlow(client, { flow: flow.body.id, body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD } })
  const token = done.status === 200 ? done.body.session_token ?? '' : ''
  const me = await frontend.toSession(client, { xSessionToken: token })

  const current = await oryError(t, frontend.disableMySession(client, { id: me.body.id, xSessionToken: token }), 400)
  t.same(current.error, { code: 400, status: 'Bad Request', request: current.error.request, message: 'cannot revoke current session' })

  const malformed = await oryError(t, frontend.disableMySession(client, { id: 'abc', xSessionToken: token }), 400)
  t.equal(malformed.error.message, 'uuid: incorrect UUID length 3 in string "abc"')

  const unknown = await frontend.disableMySession(client, { id: '00000000-0000-4000-8000-000000000000', xSessionToken: token })
  t.equal(unknown.status, 204, 'an unknown id changes nothing and is not an error')
  t.equal((await frontend.toSession(client, { xSessionToken: token })).status, 200)
})
