import { frontend } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, oryError, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// selfservice/flow/logout/handler.go `updateLogoutFlow` fetches the session before comparing the logout token and
// forwards FetchFromRequest's error (session/manager.go `NewErrNoActiveSessionFound`): a 401 to JSON clients, the
// error UI to browsers. The logout token alone ends nothing.
emulatorTest('a logout URL without the session cookie is refused and leaves the session alive', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  const logout = await frontend.createBrowserLogoutFlow(client, { cookie: jar.header() })
  const token = logout.body.logout_token

  const json = await oryError(t, frontend.updateLogoutFlow(client, { token }), 401)
  t.equal(json.error.id, 'session_inactive')
  const page = await frontend.updateLogoutFlow(client, { token }, { headers: { accept: 'text/html' } })
  t.equal(page.status, 303)
  t.match(String(page.headers.location), /\/error\?id=/)
  t.equal((await frontend.toSession(client, { cookie: jar.header() })).status, 200, 'the session lives on')
})
