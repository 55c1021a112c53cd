import t from 'tap'
import { assertNoSecretsLogged, assertOryError, BffCookies, clearedCookies, PUBLIC_URL, signIn, SPA_FETCH, startOAuth2Bff, testClock } from '../../helpers/oauth2.js'

// POST /api/oauth2/logout: the tokens are revoked at the provider, the cookies cleared, and the SPA is sent on to the
// BFF's end-session redirect, which takes it to the provider's end-session URL with the ID token as hint (a Location
// the page cannot read). A CSRF-protected call: cross-site, or without the custom header, 403.

const TTL = 120
const LOGOUT = { ...SPA_FETCH, origin: PUBLIC_URL }

t.test('logout revokes the tokens, clears the cookies and answers the end-session URL', async t => {
  const clock = testClock()
  const bff = await startOAuth2Bff(t, { now: clock.now, emulator: { oauth2AccessTokenTtlSeconds: TTL } })
  const oauth2 = bff.emu.ctx.oauth2
  const signedIn = await signIn(bff)
  const jar = new BffCookies(signedIn.cookies)
  const [family] = [...oauth2.families.values()]

  const response = await bff.app.inject({ method: 'POST', url: '/api/oauth2/logout', headers: { cookie: jar.header, ...LOGOUT } })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['cache-control'], 'no-store')
  t.same(response.json(), { logout_url: `${PUBLIC_URL}/api/oauth2/end-session` })
  const kept = new BffCookies({})
  kept.apply(response)
  t.same(kept.names(), ['bff_oauth2_logout'], 'only the sealed end-session hint is set')
  const redirect = await bff.app.inject({ method: 'GET', url: '/api/oauth2/end-session', headers: { cookie: kept.header } })
  t.equal(redirect.statusCode, 302)
  t.same(clearedCookies(redirect), ['bff_oauth2_logout'], 'the hint is used once')
  const url = new URL(redirect.headers.location as string)
  t.equal(`${url.origin}${url.pathname}`, `${bff.emu.url}/oauth2/sessions/logout`)
  t.equal(url.searchParams.get('post_logout_redirect_uri'), `${PUBLIC_URL}/`)
  const hint = url.searchParams.get('id_token_hint')
  t.ok(await oauth2.verifyOwn(hint!), 'id_token_hint is an ID token the provider signed')
  t.ok(family!.revoked, 'the token family is revoked')
  t.ok([...oauth2.refreshTokens.values()].every(token => token.revoked), 'the refresh token is revoked')
  t.ok([...oauth2.accessTokens.values()].every(token => token.revoked), 'the access token is revoked')
  t.same(clearedCookies(response), ['bff_session'], 'the session cookie is cleared')
  jar.apply(response)
  t.same(jar.names(), ['bff_oauth2_logout'])

  // The end-session URL works at the provider and comes back to the SPA.
  const end = await fetch(url, { redirect: 'manual' })
  t.equal(end.headers.get('location'), `${PUBLIC_URL}/`)

  // The cleared browser is signed out; so is a copy of the old cookie, in this process at once and, later, wherever
  // the BFF asks the provider (refresh).
  const after = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: jar.header, ...SPA_FETCH } })
  assertOryError(t, after, 401, 'session_inactive')
  const copy = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: signedIn.cookie, ...SPA_FETCH } })
  assertOryError(t, copy, 401, 'session_inactive')
  t.same(clearedCookies(copy), ['bff_session'])
  clock.advance(TTL + 1)
  const later = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: signedIn.cookie, ...SPA_FETCH } })
  assertOryError(t, later, 401, 'session_inactive')
  assertNoSecretsLogged(t, bff, [hint!, ...Object.values(signedIn.cookies)])
})

t.test('logout without a session: logout_url null', async t => {
  const bff = await startOAuth2Bff(t)
  const response = await bff.app.inject({ method: 'POST', url: '/api/oauth2/logout', headers: LOGOUT })
  t.equal(response.statusCode, 200)
  t.same(response.json(), { logout_url: null })
  const garbage = await bff.app.inject({ method: 'POST', url: '/api/oauth2/logout', headers: { cookie: 'bff_session=garbage', ...LOGOUT } })
  t.same(garbage.json(), { logout_url: null }, 'unusable cookies: nothing to revoke')
  t.same(clearedCookies(garbage), ['bff_session'], 'and they are cleared')
})

t.test('CSRF: cross-site logout and a user call without the custom header are 403', async t => {
  const bff = await startOAuth2Bff(t)
  const { cookie } = await signIn(bff)
  const cross = await bff.app.inject({ method: 'POST', url: '/api/oauth2/logout', headers: { cookie, ...LOGOUT, 'sec-fetch-site': 'cross-site' } })
  assertOryError(t, cross, 403, 'security_csrf_violation')
  t.equal(cross.headers['set-cookie'], undefined, 'nothing cleared')
  const noHeader = await bff.app.inject({ method: 'POST', url: '/api/oauth2/logout', headers: { cookie, origin: PUBLIC_URL } })
  assertOryError(t, noHeader, 403, 'security_csrf_violation')
  const user = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie } })
  assertOryError(t, user, 403, 'security_csrf_violation')
  t.notOk([...bff.emu.ctx.oauth2.families.values()].some(family => family.revoked), 'nothing was revoked')
  t.equal((await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })).statusCode, 200, 'still signed in')
})
