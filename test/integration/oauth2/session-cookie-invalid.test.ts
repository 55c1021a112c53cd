import t from 'tap'
import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { DEFAULT_REFRESH_LIFETIME_SECONDS } from '../../../src/oauth2/session.js'
import { assertNoSecretsLogged, assertOryError, clearedCookies, signIn, SPA_FETCH, startOAuth2Bff, testClock, type OAuth2Bff } from '../../helpers/oauth2.js'

// Session cookies the BFF cannot use: changed, cut short, sealed under a secret it does not have, or past their
// expiry. Each is a 401 in Ory's shape (what the SPA does on any signed-out answer), and the answer clears the
// cookie, so that the browser does not fail the same way on every call.

const OTHER_SECRET = 'another-cookie-secret-of-another-bff-0123456789'

async function user (bff: OAuth2Bff, cookie: string): Promise<LightMyRequestResponse> {
  return await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })
}

t.test('unusable session cookies: 401 and cleared', async t => {
  const clock = testClock()
  const bff = await startOAuth2Bff(t, { now: clock.now })
  const { cookies } = await signIn(bff)
  const value = cookies.bff_session!
  t.equal((await user(bff, `bff_session=${value}`)).statusCode, 200, 'the cookie as set works')

  const refused = async (t: Test, cookie: string, reason: RegExp): Promise<void> => {
    const response = await user(bff, cookie)
    const error = assertOryError(t, response, 401, 'session_inactive')
    t.match(error.reason, reason)
    t.same(clearedCookies(response), ['bff_session'], 'the session cookie is cleared')
    t.equal(response.headers['cache-control'], 'no-store')
  }

  await t.test('tampered', async t => {
    const middle = Math.floor(value.length / 2)
    const flipped = `${value.slice(0, middle)}${value[middle] === 'A' ? 'B' : 'A'}${value.slice(middle + 1)}`
    await refused(t, `bff_session=${flipped}`, /altered|malformed/)
  })
  await t.test('truncated', async t => {
    await refused(t, `bff_session=${value.slice(0, Math.floor(value.length * 2 / 3))}`, /altered|malformed/)
    await refused(t, `bff_session=${value.slice(0, value.indexOf('.', 3))}`, /malformed/)
  })
  await t.test('not a sealed value', async t => {
    await refused(t, 'bff_session=hello', /malformed/)
  })
  await t.test('sealed under a secret this BFF does not have', async t => {
    const foreign = await startOAuth2Bff(t, { emu: bff.emu, env: { COOKIE_SECRET: OTHER_SECRET } })
    const theirs = await signIn(foreign)
    t.equal((await user(foreign, theirs.cookie)).statusCode, 200, 'it works where it was made')
    await refused(t, theirs.cookie, /key this server no longer has/)
  })
  await t.test('past the session\'s expiry', async t => {
    clock.advance(DEFAULT_REFRESH_LIFETIME_SECONDS + 1)
    await refused(t, `bff_session=${value}`, /expired/)
  })
  assertNoSecretsLogged(t, bff, [value, OTHER_SECRET])
})
