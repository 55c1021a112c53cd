import t from 'tap'
import { defaultIdentitySchema } from '../../../src/emulator/index.js'
import { MAX_CHUNKS, MAX_COOKIE_VALUE_BYTES } from '../../../src/oauth2/cookies.js'
import { assertNoSecretsLogged, assertOryError, authorizeAtEmulator, BffCookies, clearedCookies, cookieHeader, cookiesOf, signIn, SPA_FETCH, startLogin, startOAuth2Bff, TEST_EMAIL } from '../../helpers/oauth2.js'

// A session too large for one cookie (long names in the ID token and the claims) is split over bff_session.0,
// bff_session.1 …, read back whole, refused whole when a chunk is missing, and cleared whole at logout. One too large
// for the cookies even so is a clear 502, never a 500 nor a Cookie header that no server accepts.

const LONG = 1500
// The emulator's schema caps names at 256 characters; this one lets the identity have long ones.
const schema = JSON.parse(JSON.stringify(defaultIdentitySchema).replaceAll('"maxLength":256', '"maxLength":10000'))

t.test('a large session is chunked, reassembled, and refused and cleared whole', async t => {
  const bff = await startOAuth2Bff(t, {
    env: { OAUTH2_USER_CLAIMS: 'name,email' },
    emulator: { identitySchemas: { default: schema }, seed: { identities: [{ traits: { email: TEST_EMAIL, name: { first: 'F'.repeat(LONG), last: 'L'.repeat(LONG) } } }] } }
  })
  const { cookies, callback } = await signIn(bff)
  const names = Object.keys(cookies).sort()
  t.ok(names.length >= 2 && names.length <= MAX_CHUNKS, `several chunks, at most ${MAX_CHUNKS} (${names.length})`)
  t.same(names, names.map((_name, index) => `bff_session.${index}`), 'bff_session.0 … with no gap and no whole cookie')
  for (const line of [callback.headers['set-cookie']].flat()) {
    t.ok(String(line).split(';')[0]!.length <= MAX_COOKIE_VALUE_BYTES + 'bff_session.0='.length, 'each chunk fits a browser\'s cookie')
  }

  const jar = new BffCookies(cookies)
  const user = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: jar.header, ...SPA_FETCH } })
  t.equal(user.statusCode, 200, 'the chunks are reassembled')
  t.equal(user.json().claims.name, `${'F'.repeat(LONG)} ${'L'.repeat(LONG)}`)
  t.same(clearedCookies(user), [])

  await t.test('a middle chunk missing: 401, every chunk cleared', async t => {
    const partial = { ...cookies }
    delete partial['bff_session.1']
    const response = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: new BffCookies(partial).header, ...SPA_FETCH } })
    assertOryError(t, response, 401, 'session_inactive')
    t.same(clearedCookies(response).sort(), Object.keys(partial).sort(), 'every chunk the browser sent is cleared')
  })

  await t.test('chunks in the wrong order of two writes: 401', async t => {
    const other = await signIn(bff)
    const mixed = { ...cookies, 'bff_session.1': other.cookies['bff_session.1']! }
    const response = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: new BffCookies(mixed).header, ...SPA_FETCH } })
    assertOryError(t, response, 401, 'session_inactive')
  })

  await t.test('logout clears every chunk', async t => {
    const response = await bff.app.inject({ method: 'POST', url: '/api/oauth2/logout', headers: { cookie: jar.header, ...SPA_FETCH, origin: 'http://localhost:4000' } })
    t.equal(response.statusCode, 200)
    t.same(clearedCookies(response).sort(), names, 'all chunks cleared')
    jar.apply(response)
    t.same(jar.names(), [])
  })
  assertNoSecretsLogged(t, bff, Object.values(cookies))
})

t.test('a session too large for the cookies even without its ID token: 502 with what to do, no session', async t => {
  const bff = await startOAuth2Bff(t, {
    env: { OAUTH2_USER_CLAIMS: 'name,email' },
    emulator: { identitySchemas: { default: schema }, seed: { identities: [{ traits: { email: TEST_EMAIL, name: { first: 'F'.repeat(4 * LONG), last: 'L'.repeat(4 * LONG) } } }] } }
  })
  const login = await startLogin(bff)
  const callback = await bff.app.inject({ method: 'GET', url: await authorizeAtEmulator(login.location), headers: { cookie: cookieHeader(login.transaction) } })
  assertOryError(t, callback, 502)
  t.match(callback.json().error.reason, /TOKEN_STORE=redis/)
  t.notOk(Object.keys(cookiesOf(callback)).some(name => name.startsWith('bff_session')), 'no session cookie')
})
