import { authorize, emulatorTest, OAUTH2_CLIENT, queryOf } from '../../helpers/emulator.js'

// prompt=none without a session: back to the client with login_required and the state; without prompt=none the
// browser goes to the emulator's Kratos login flow, which returns to the authorize URL.
emulatorTest('prompt=none without a session: a login_required redirect; otherwise the Kratos login flow', async (t, emu) => {
  const none = await authorize(emu, { scope: 'openid', prompt: 'none' })
  t.equal(none.status, 303)
  const location = none.headers.get('location')!
  t.ok(location.startsWith(OAUTH2_CLIENT.redirect_uris[0]!))
  t.equal(queryOf(location, 'error'), 'login_required')
  t.equal(queryOf(location, 'state'), 'a-state-of-16-ch')
  t.equal(queryOf(location, 'code'), null)

  const login = await authorize(emu, { scope: 'openid' })
  t.equal(login.status, 302)
  const to = new URL(login.headers.get('location')!)
  t.equal(to.pathname, '/self-service/login/browser')
  t.equal(new URL(to.searchParams.get('return_to')!).pathname, '/oauth2/auth')
  const flow = await fetch(to, { redirect: 'manual', headers: { accept: 'application/json' } })
  t.equal(flow.status, 200, 'the emulator accepts itself as return_to')
  await flow.body?.cancel()

  const short = await authorize(emu, { scope: 'openid', state: 'short' })
  t.equal(queryOf(short.headers.get('location'), 'error'), 'invalid_state', 'Hydra wants 8 characters of state')
}, { oauth2Clients: [OAUTH2_CLIENT] })
