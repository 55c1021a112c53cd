import t from 'tap'
import { assertNoSecretsLogged, assertOryError, BffCookies, clearedCookies, signIn, SPA_FETCH, startOAuth2Bff, testClock } from '../../helpers/oauth2.js'

// The provider no longer honours the refresh token (revoked there): the session is over. 401 in Ory's shape, its
// cookies cleared, and the next request is simply signed out, with no token request.

const TTL = 120

t.test('a revoked token family ends the session at the next refresh', async t => {
  const clock = testClock()
  const bff = await startOAuth2Bff(t, { now: clock.now, emulator: { oauth2AccessTokenTtlSeconds: TTL } })
  const oauth2 = bff.emu.ctx.oauth2
  const refreshes = (): number => oauth2.tokenCalls.byGrantType.refresh_token ?? 0
  const jar = new BffCookies((await signIn(bff)).cookies)
  for (const family of oauth2.families.keys()) oauth2.revokeFamily(family)

  clock.advance(TTL + 1)
  const response = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: jar.header, ...SPA_FETCH } })
  const error = assertOryError(t, response, 401, 'session_inactive')
  t.match(error.message, /sign in again/)
  t.equal(refreshes(), 1, 'the provider was asked once')
  t.same(clearedCookies(response), ['bff_session'], 'the session cookie is cleared')
  jar.apply(response)
  t.same(jar.names(), [])

  const next = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: jar.header, ...SPA_FETCH } })
  assertOryError(t, next, 401, 'session_inactive')
  t.equal(refreshes(), 1, 'no token request without a session')
  t.equal(next.headers['set-cookie'], undefined)
  assertNoSecretsLogged(t, bff)
})
