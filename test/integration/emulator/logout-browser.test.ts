import { frontend } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, oryError, queryOf, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// Browser logout: GET /self-service/logout/browser gives a URL with the session's logout token; opening it ends the
// session, clears the cookie and redirects (or answers 204 to AJAX).
emulatorTest('browser logout needs the session\'s own logout token', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  await signUpNative(client, 'grace@example.com')
  const ada = new CookieJar()
  const grace = new CookieJar()
  await signInBrowser(client, ada, 'ada@example.com')
  await signInBrowser(client, grace, 'grace@example.com')

  const anonymous = await oryError(t, frontend.createBrowserLogoutFlow(client), 401)
  t.equal(anonymous.error.id, 'session_inactive')
  await oryError(t, frontend.createBrowserLogoutFlow(client, { cookie: ada.header(), return_to: 'https://evil.example/' }), 400)

  const adaLogout = await frontend.createBrowserLogoutFlow(client, { cookie: ada.header() })
  t.equal(adaLogout.body.logout_url, `${emu.baseUrl}/self-service/logout?token=${adaLogout.body.logout_token}`)
  const graceLogout = await frontend.createBrowserLogoutFlow(client, { cookie: grace.header() })

  // Grace's token with Ada's cookie: refused, Ada stays signed in.
  const mismatch = await oryError(t, frontend.updateLogoutFlow(client, { token: graceLogout.body.logout_token, cookie: ada.header() }), 403)
  t.match(mismatch.error.reason, /does not match/)
  const page = await frontend.updateLogoutFlow(client, { token: graceLogout.body.logout_token, cookie: ada.header() }, { headers: { accept: 'text/html' } })
  t.equal(page.status, 303)
  t.match(String(page.headers.location), /\/error\?id=/)
  t.equal((await frontend.toSession(client, { cookie: ada.header() })).status, 200)
  await oryError(t, frontend.updateLogoutFlow(client, { cookie: ada.header() }), 400)

  const done = await frontend.updateLogoutFlow(client, { token: adaLogout.body.logout_token, cookie: ada.header() }, { headers: { accept: 'text/html' } })
  t.equal(done.status, 303)
  t.equal(done.headers.location, 'http://127.0.0.1:4000/', 'the default return URL')
  const cleared = (done.headers['set-cookie'] as string[]).find(c => c.startsWith('ory_kratos_session='))
  t.match(cleared, /^ory_kratos_session=;.*Max-Age=0/)
  await oryError(t, frontend.toSession(client, { cookie: ada.header() }), 401)
  t.equal((await frontend.toSession(client, { cookie: grace.header() })).status, 200, 'other sessions are untouched')

  // Again, without a session: Kratos requires one (selfservice/flow/logout/handler.go, `updateLogoutFlow`).
  ada.store(done.headers['set-cookie'])
  await oryError(t, frontend.updateLogoutFlow(client, { token: adaLogout.body.logout_token, cookie: ada.header() }), 401)
  t.equal(queryOf(adaLogout.body.logout_url, 'token'), adaLogout.body.logout_token)
})
