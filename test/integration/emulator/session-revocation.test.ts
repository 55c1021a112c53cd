import { frontend, identity } from '../../../src/ory/index.js'
import { emulatorTest, oryError, PASSWORD } from '../../helpers/emulator.js'

async function signIn (client: Parameters<typeof frontend.createNativeLoginFlow>[0], email: string): Promise<string> {
  const flow = await frontend.createNativeLoginFlow(client)
  const done = await frontend.updateLoginFlow(client, { flow: flow.body.id, body: { method: 'password', identifier: email, password: PASSWORD } })
  if (done.status !== 200 || done.body.session_token === undefined) throw new Error('no session')
  return done.body.session_token
}

// A user sees and revokes their other sessions; revoked sessions stop working at once.
emulatorTest('a user lists and revokes other sessions; revoked tokens get 401', async (t, emu) => {
  const { client } = emu
  await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'ada@example.com' }, credentials: { password: { config: { password: PASSWORD } } } } })
  const [current, second, third, fourth] = [await signIn(client, 'ada@example.com'), await signIn(client, 'ada@example.com'), await signIn(client, 'ada@example.com'), await signIn(client, 'ada@example.com')]

  const others = await frontend.listMySessions(client, { xSessionToken: current })
  t.equal(others.body.length, 3, 'the other three, not the current one')
  const me = await frontend.toSession(client, { xSessionToken: current })
  t.notOk(others.body.some(s => s.id === me.body.id))

  const secondSession = await frontend.toSession(client, { xSessionToken: second })
  const revoked = await frontend.disableMySession(client, { id: secondSession.body.id, xSessionToken: current })
  t.equal(revoked.status, 204)
  await oryError(t, frontend.toSession(client, { xSessionToken: second }), 401)

  // session/handler.go `deleteMySession`: the current session is refused with the message "cannot revoke current
  // session"; an unknown id is 204 (RevokeSession in persistence/sql/persister_session.go may match nothing).
  const self = await oryError(t, frontend.disableMySession(client, { id: me.body.id, xSessionToken: current }), 400)
  t.equal(self.error.message, 'cannot revoke current session', 'the current session is ended by logging out')
  t.equal((await frontend.disableMySession(client, { id: '00000000-0000-4000-8000-000000000000', xSessionToken: current })).status, 204)

  const count = await frontend.disableMyOtherSessions(client, { xSessionToken: current })
  t.same(count.body, { count: 2 })
  await oryError(t, frontend.toSession(client, { xSessionToken: third }), 401)
  await oryError(t, frontend.toSession(client, { xSessionToken: fourth }), 401)
  t.equal((await frontend.toSession(client, { xSessionToken: current })).status, 200, 'the current one lives on')
  t.same((await frontend.listMySessions(client, { xSessionToken: current })).body, [])
  await oryError(t, frontend.listMySessions(client), 401)
})
