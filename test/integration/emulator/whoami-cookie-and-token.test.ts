import { frontend } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, oryError, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// /sessions/whoami finds the session by X-Session-Token (or a bearer token) and by the session cookie; anything else
// is Kratos's 401 of session/error.go `ErrNoSessionFound`, without an error id (session/handler.go, `whoami`).
emulatorTest('whoami answers by session cookie and by session token, 401 otherwise', async (t, emu) => {
  const { client, clock } = emu
  const { token, identityId } = await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')

  const byToken = await frontend.toSession(client, { xSessionToken: token })
  t.equal(byToken.body.identity?.id, identityId)
  t.equal(byToken.headers['x-kratos-authenticated-identity-id'], identityId)
  t.type(byToken.body.expires_at, 'string')
  t.type(byToken.body.authenticated_at, 'string')
  t.type(byToken.body.issued_at, 'string')
  t.equal(byToken.body.authenticator_assurance_level, 'aal1')
  t.equal(byToken.body.devices?.[0]?.user_agent, 'ory-bff/0.1.0')
  t.equal(byToken.body.devices?.[0]?.ip_address, '127.0.0.1')

  const byCookie = await frontend.toSession(client, { cookie: jar.header() })
  t.equal(byCookie.body.identity?.id, identityId)
  t.not(byCookie.body.id, byToken.body.id, 'two sessions of one identity')

  const bearer = await fetch(`${emu.url}/sessions/whoami`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(bearer.status, 200, 'a bearer token works like X-Session-Token')

  const none = await oryError(t, frontend.toSession(client), 401)
  t.same(none.error, { code: 401, status: 'Unauthorized', reason: 'No valid session credentials found in the request.', message: 'The request could not be authorized', request: none.error.request })
  await oryError(t, frontend.toSession(client, { xSessionToken: 'ory_st_made_up' }), 401)
  await oryError(t, frontend.toSession(client, { cookie: 'ory_kratos_session=forged' }), 401)
  await oryError(t, frontend.toSession(client, { xSessionToken: jar.get('ory_kratos_session') }), 401)
  t.pass('the cookie value is sealed: it is not a session token')

  clock.advance(24 * 60 * 60_000 + 1)
  const expired = await oryError(t, frontend.toSession(client, { xSessionToken: token }), 401)
  t.equal(expired.error.reason, 'No valid session credentials found in the request.', 'sessions expire after 24 hours')
})
