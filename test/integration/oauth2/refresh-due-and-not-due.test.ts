import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { assertNoSecretsLogged, BffCookies, clearedCookies, cookiesOf, signIn, SPA_FETCH, startOAuth2Bff, testClock } from '../../helpers/oauth2.js'

// The access token is refreshed when it has expired or expires within OAUTH2_REFRESH_SKEW_SECONDS, and not before:
// no token request, no new cookie. A refresh rotates the refresh token at the provider.

const TTL = 120
const SKEW = 30

t.test('not due: nothing; due by skew or by expiry: one refresh and a new cookie', async t => {
  const clock = testClock()
  const bff = await startOAuth2Bff(t, { now: clock.now, env: { OAUTH2_REFRESH_SKEW_SECONDS: String(SKEW) }, emulator: { oauth2AccessTokenTtlSeconds: TTL } })
  const oauth2 = bff.emu.ctx.oauth2
  const refreshes = (): number => oauth2.tokenCalls.byGrantType.refresh_token ?? 0
  const signedIn = await signIn(bff)
  const jar = new BffCookies(signedIn.cookies)
  const user = async (): Promise<LightMyRequestResponse> => await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: jar.header, ...SPA_FETCH } })
  const liveRefreshTokens = (): string[] => [...oauth2.refreshTokens].filter(([, token]) => !token.rotated && !token.revoked).map(([value]) => value)

  await t.test('not due', async t => {
    clock.advance(TTL - SKEW - 5)
    const response = await user()
    t.equal(response.statusCode, 200)
    t.equal(refreshes(), 0, 'no token request')
    t.equal(response.headers['set-cookie'], undefined, 'no Set-Cookie')
  })

  await t.test('due within the skew', async t => {
    const [before] = liveRefreshTokens()
    const expiresBefore = Date.parse((await user()).json().access_token_expires_at)
    clock.advance(10) // TTL - SKEW + 5: within the skew, not expired
    const response = await user()
    t.equal(response.statusCode, 200)
    t.equal(refreshes(), 1, 'exactly one refresh')
    t.ok(cookiesOf(response).bff_session, 'a new session cookie')
    t.same(clearedCookies(response), [])
    t.ok(Date.parse(response.json().access_token_expires_at) > expiresBefore, 'a later expiry')
    t.equal(oauth2.refreshTokens.get(before!)?.rotated, true, 'the old refresh token is rotated at the provider')
    t.equal(liveRefreshTokens().length, 1, 'one live refresh token')
    jar.apply(response)
    const again = await user()
    t.equal(refreshes(), 1, 'the new cookie is not due')
    t.equal(again.headers['set-cookie'], undefined)
  })

  await t.test('due by expiry', async t => {
    clock.advance(TTL + 1)
    const response = await user()
    t.equal(response.statusCode, 200)
    t.equal(refreshes(), 2, 'one more refresh')
    t.ok(cookiesOf(response).bff_session)
    jar.apply(response)
  })
  assertNoSecretsLogged(t, bff, Object.values(jar.cookies))
})
