import t from 'tap'
import { assertOryError, authorizeAtEmulator, clearedCookies, cookieHeader, cookiesOf, signIn, SPA_FETCH, startLogin, startOAuth2Bff } from '../../helpers/oauth2.js'

// A login in a browser that still has a session (another user's, or an old one whose cookies were chunked): the old
// session ends, and every old cookie the new session does not overwrite is cleared, so that no stale chunk is read
// back with the new cookies.

async function finishLogin (bff: Awaited<ReturnType<typeof startOAuth2Bff>>, cookies: Record<string, string>) {
  const login = await startLogin(bff)
  const callbackPath = await authorizeAtEmulator(login.location)
  return await bff.app.inject({ method: 'GET', url: callbackPath, headers: { cookie: cookieHeader({ ...cookies, ...login.transaction }) } })
}

t.test('a new login ends the old session', async t => {
  const bff = await startOAuth2Bff(t)
  const first = await signIn(bff)
  const callback = await finishLogin(bff, first.cookies)
  t.equal(callback.statusCode, 302)
  const fresh = cookiesOf(callback)
  t.ok(fresh.bff_session !== undefined && fresh.bff_session !== first.cookies.bff_session, 'a new session cookie')
  const user = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: cookieHeader({ bff_session: fresh.bff_session! }), ...SPA_FETCH } })
  t.equal(user.statusCode, 200, 'the new session works')
  const old = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: first.cookie, ...SPA_FETCH } })
  assertOryError(t, old, 401, 'session_inactive')
})

t.test('a new login clears the chunks an old session left', async t => {
  const bff = await startOAuth2Bff(t)
  const callback = await finishLogin(bff, { 'bff_session.0': '2~stale', 'bff_session.1': 'stale' })
  t.equal(callback.statusCode, 302)
  const fresh = cookiesOf(callback)
  t.ok(fresh.bff_session !== undefined, 'the new session in one cookie')
  t.same(clearedCookies(callback).filter(name => name.startsWith('bff_session')).sort(), ['bff_session.0', 'bff_session.1'], 'the stale chunks are cleared')
})
