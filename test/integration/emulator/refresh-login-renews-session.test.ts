import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, PASSWORD, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// A `refresh=true` login runs login/hook.go `PostLoginHook` on the session it re-authenticates, and
// session/manager_http.go `ActivateSession` sets its `issued_at` and `authenticated_at` to now and `expires_at` to a
// full lifespan from now; the cookie is issued again with the new expiry.
emulatorTest('a refresh=true login renews issued_at, authenticated_at and expires_at', async (t, emu) => {
  const { client, clock } = emu
  await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  const before = (await frontend.toSession(client, { cookie: jar.header() })).body

  clock.advance(60 * 60_000)
  const flow = await frontend.createBrowserLoginFlow(client, { cookie: jar.header(), refresh: true })
  if (flow.status !== 200) return
  jar.store(flow.headers['set-cookie'])
  const done = await frontend.updateLoginFlow(client, {
    flow: flow.body.id, cookie: jar.header(), body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD, csrf_token: csrfToken(flow.body) }
  })
  t.equal(done.status, 200)
  jar.store(done.headers['set-cookie'])
  const after = (await frontend.toSession(client, { cookie: jar.header() })).body

  t.equal(after.id, before.id, 'the same session')
  const hour = (a: string | undefined, b: string | undefined): number => Date.parse(a!) - Date.parse(b!)
  t.ok(hour(after.issued_at, before.issued_at) >= 60 * 60_000, 'issued_at renewed')
  t.ok(hour(after.authenticated_at, before.authenticated_at) >= 60 * 60_000, 'authenticated_at renewed')
  t.ok(hour(after.expires_at, before.expires_at) >= 60 * 60_000, 'expires_at a full lifespan from now')
  t.equal(after.authentication_methods?.length, 2)
})
