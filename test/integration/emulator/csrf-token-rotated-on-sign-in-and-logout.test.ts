import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, PASSWORD, signUpNative } from '../../helpers/emulator.js'

// session/manager_http.go `IssueCookie` calls nosurf's `RegenerateToken` unless the request was already signed in as
// the same identity, and selfservice/flow/logout/handler.go `completeLogout` calls it too: the anti-CSRF cookie gets
// a new token on sign-in and on logout, but not on a `refresh=true` sign-in of the same identity.
emulatorTest('the anti-CSRF token is rotated on sign-in and logout, not on a refresh of the same identity', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  const csrfName = (): string => jar.names().find(name => name.startsWith('csrf_token_'))!

  const flow = await frontend.createBrowserLoginFlow(client)
  if (flow.status !== 200) return
  jar.store(flow.headers['set-cookie'])
  const before = jar.get(csrfName())
  const signedIn = await frontend.updateLoginFlow(client, {
    flow: flow.body.id, cookie: jar.header(), body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD, csrf_token: csrfToken(flow.body) }
  })
  jar.store(signedIn.headers['set-cookie'])
  const afterSignIn = jar.get(csrfName())
  t.ok(afterSignIn !== undefined && afterSignIn !== before, 'sign-in sets a new anti-CSRF token')

  const refresh = await frontend.createBrowserLoginFlow(client, { cookie: jar.header(), refresh: true })
  if (refresh.status !== 200) return
  jar.store(refresh.headers['set-cookie'])
  const refreshed = await frontend.updateLoginFlow(client, {
    flow: refresh.body.id, cookie: jar.header(), body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD, csrf_token: csrfToken(refresh.body) }
  })
  t.equal(refreshed.status, 200)
  t.notOk((refreshed.headers['set-cookie'] as string[]).some(c => c.startsWith('csrf_token_')), 'a refresh of the same identity keeps it')

  const logout = await frontend.createBrowserLogoutFlow(client, { cookie: jar.header() })
  const done = await frontend.updateLogoutFlow(client, { token: logout.body.logout_token, cookie: jar.header() })
  t.equal(done.status, 204)
  jar.store(done.headers['set-cookie'])
  const afterLogout = jar.get(csrfName())
  t.ok(afterLogout !== undefined && afterLogout !== afterSignIn, 'logout sets a new anti-CSRF token')
})
