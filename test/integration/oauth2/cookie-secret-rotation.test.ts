import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { assertNoSecretsLogged, assertOryError, BffCookies, clearedCookies, cookiesOf, signIn, SPA_FETCH, startOAuth2Bff, testClock, type OAuth2Bff } from '../../helpers/oauth2.js'

// COOKIE_SECRET rotation: with `B,A` the BFF opens cookies sealed under A or B and seals new ones under B, so that a
// new secret goes first without signing anyone out, and A can be removed once no cookie of it is left.

const A = 'cookie-secret-A-0123456789abcdefghijklmnopqrstuv'
const B = 'cookie-secret-B-0123456789abcdefghijklmnopqrstuv'

async function user (bff: OAuth2Bff, cookie: string): Promise<LightMyRequestResponse> {
  return await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })
}

t.test('B,A opens A\'s cookies and seals the new ones under B', async t => {
  const clock = testClock()
  const onlyA = await startOAuth2Bff(t, { env: { COOKIE_SECRET: A }, emulator: { oauth2AccessTokenTtlSeconds: 120 } })
  const rotated = await startOAuth2Bff(t, { emu: onlyA.emu, env: { COOKIE_SECRET: `${B},${A}` }, now: clock.now })
  const onlyB = await startOAuth2Bff(t, { emu: onlyA.emu, env: { COOKIE_SECRET: B } })

  const signedIn = await signIn(onlyA)
  const jar = new BffCookies(signedIn.cookies)
  const old = jar.header
  const accepted = await user(rotated, old)
  t.equal(accepted.statusCode, 200, 'the rotated BFF accepts the cookie sealed under A')
  t.same(cookiesOf(accepted), {}, 'and does not rewrite it while nothing changed')
  t.same(clearedCookies(accepted), [])
  assertOryError(t, await user(onlyB, old), 401, 'session_inactive')

  // A refresh writes the session again: under B.
  const refreshes = onlyA.emu.ctx.oauth2.tokenCalls.byGrantType.refresh_token ?? 0
  clock.advance(onlyA.emu.ctx.oauth2.accessTokenTtlSeconds)
  const refreshed = await user(rotated, old)
  t.equal(refreshed.statusCode, 200)
  t.equal(onlyA.emu.ctx.oauth2.tokenCalls.byGrantType.refresh_token, refreshes + 1, 'one refresh')
  t.ok(cookiesOf(refreshed).bff_session, 'a new session cookie')
  jar.apply(refreshed)
  t.not(jar.header, old)

  t.equal((await user(onlyB, jar.header)).statusCode, 200, 'a BFF with only B opens the new cookie')
  const refusedByA = await user(onlyA, jar.header)
  assertOryError(t, refusedByA, 401, 'session_inactive')
  t.same(clearedCookies(refusedByA), ['bff_session'], 'and one with only A clears it')
  t.equal((await user(rotated, jar.header)).statusCode, 200, 'the rotated BFF opens it too')

  // The login transaction cookies rotate alike: sealed under B by the rotated BFF, refused by A alone.
  const login = await rotated.app.inject({ method: 'GET', url: '/api/oauth2/login' })
  const state = new URL(login.headers.location as string).searchParams.get('state')!
  const cookie = new BffCookies(cookiesOf(login)).header
  const atA = await onlyA.app.inject({ method: 'GET', url: `/api/oauth2/callback?code=x&state=${state}`, headers: { cookie } })
  assertOryError(t, atA, 400, 'security_csrf_violation')

  for (const bff of [onlyA, rotated, onlyB]) assertNoSecretsLogged(t, bff, [A, B, ...Object.values(jar.cookies), ...Object.values(signedIn.cookies)])
})
