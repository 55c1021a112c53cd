import t, { type Test } from 'tap'
import { CookieTokenStore, TOKEN_SESSION_PURPOSE } from '../../../src/oauth2/stores/cookie-store.js'
import { TokenSessionInvalidError, TokenStoreUnsupportedError } from '../../../src/oauth2/errors.js'
import { Sealer } from '../../../src/oauth2/seal.js'
import type { OAuth2Session } from '../../../src/oauth2/types.js'

// The cookie token store: the session sealed in the browser's cookies. Whatever is wrong with them, the request gets
// a 401 with the Set-Cookie lines that remove every one of them, so that the SPA can sign in again.

const SECRET = 'cookie-store-secret-0123456789-0123456789'
const OTHER = 'another-secret-0123456789-0123456789-01234'
const NOW_MS = 1_700_000_000_000
const NOW = NOW_MS / 1000

function session (overrides: Partial<OAuth2Session> = {}, idTokenBytes = 0): OAuth2Session {
  return {
    id: 'c2Vzc2lvbi1pZC0xMjM0NTY3ODk',
    sub: 'user-1',
    sid: 'provider-session-1',
    claims: { email: 'user@example.com' },
    tokens: {
      accessToken: 'access-token-1',
      tokenType: 'bearer',
      accessTokenIssuedAt: NOW - 60,
      accessTokenExpiresAt: NOW + 3540,
      refreshToken: 'refresh-token-1',
      ...(idTokenBytes > 0 ? { idToken: 'x'.repeat(idTokenBytes) } : {})
    },
    createdAt: NOW - 60,
    expiresAt: NOW + 86_400,
    ...overrides
  }
}

function jar (lines: string[], start: Record<string, string> = {}): Record<string, string> {
  const next = { ...start }
  for (const line of lines) {
    const pair = line.split(';')[0]!
    const name = pair.slice(0, pair.indexOf('='))
    if (/Max-Age=0(;|$)/.test(line)) delete next[name]
    else next[name] = pair.slice(pair.indexOf('=') + 1)
  }
  return next
}

function store (options: { secrets?: string[], secure?: boolean, now?: number } = {}): CookieTokenStore {
  return new CookieTokenStore({ secrets: options.secrets ?? [SECRET], secure: options.secure ?? true, now: () => options.now ?? NOW_MS })
}

async function invalid (t: Test, promise: Promise<unknown>, reason: RegExp, clears: string[]): Promise<void> {
  const err = await promise.then(() => undefined, (error: unknown) => error)
  t.type(err, TokenSessionInvalidError)
  const error = err as TokenSessionInvalidError
  t.equal(error.statusCode, 401)
  t.match(error.reason, reason)
  t.same(error.clearCookies.map(line => line.split('=')[0]).sort(), [...clears].sort(), 'every cookie present is cleared')
  for (const line of error.clearCookies) t.match(line, /=; Max-Age=0; /)
}

t.test('no cookie of the store → undefined; a saved session loads back; Max-Age follows the session', async t => {
  const s = store()
  t.equal(await s.load({}), undefined)
  t.equal(await s.load({ other: 'x', bff_session: 'ignored over https' }), undefined)
  const lines = await s.save(session())
  t.equal(lines.length, 1)
  t.match(lines[0], /^__Host-bff_session=v1\.[^;]+; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
  t.notMatch(lines[0], /access-token|refresh-token|user@example/)
  const loaded = await s.load(jar(lines))
  t.same(loaded?.session, session())
})

t.test('a large session (6 KB ID token) splits, loads, and shrinking clears the stale chunks', async t => {
  const s = store({ secure: false })
  const big = session({}, 6000)
  const lines = await s.save(big)
  t.equal(lines.length, 3)
  let cookies = jar(lines)
  const loaded = await s.load(cookies)
  t.same(loaded?.session, big)
  const small = { ...big, tokens: { ...big.tokens, idToken: undefined, accessToken: 'access-token-2', accessTokenIssuedAt: NOW } }
  const shrink = await s.save(small, loaded)
  t.match(shrink, [/^bff_session=v1/, /^bff_session\.0=; Max-Age=0/, /^bff_session\.1=; Max-Age=0/, /^bff_session\.2=; Max-Age=0/])
  cookies = jar(shrink, cookies)
  t.same(Object.keys(cookies), ['bff_session'])
  t.equal((await s.load(cookies))?.session.tokens.accessToken, 'access-token-2')
})

t.test('a missing middle chunk → 401, every chunk present cleared', async t => {
  const s = store()
  const cookies = jar(await s.save(session({}, 6000)))
  t.ok(Object.keys(cookies).length >= 3)
  delete cookies['__Host-bff_session.1']
  await invalid(t, s.load(cookies), /malformed or incomplete \(\d chunks where the first says \d\)/, Object.keys(cookies))
})

t.test('tampered, truncated, foreign key, expired, not a session → 401 with every cookie cleared', async t => {
  const s = store()
  const [line] = await s.save(session())
  const value = jar([line!])['__Host-bff_session']!
  const flipped = value.slice(0, -10) + (value.at(-10) === 'A' ? 'B' : 'A') + value.slice(-9)
  await invalid(t, s.load({ '__Host-bff_session': flipped }), /altered/, ['__Host-bff_session'])
  await invalid(t, s.load({ '__Host-bff_session': value.slice(0, -20) }), /altered|malformed/, ['__Host-bff_session'])
  await invalid(t, s.load({ '__Host-bff_session': 'garbage' }), /malformed/, ['__Host-bff_session'])
  const foreign = jar(await store({ secrets: [OTHER] }).save(session()))
  await invalid(t, s.load(foreign), /key this server no longer has/, ['__Host-bff_session'])
  await invalid(t, store({ now: (NOW + 86_400) * 1000 }).load({ '__Host-bff_session': value }), /expired/, ['__Host-bff_session'])
  const notSession = new Sealer([SECRET], TOKEN_SESSION_PURPOSE).seal({ id: 'x' }, NOW + 100, 'bff_session')
  await invalid(t, s.load({ '__Host-bff_session': notSession }), /malformed/, ['__Host-bff_session'])
  const chunked = jar(await s.save(session({}, 6000)))
  chunked['__Host-bff_session.2'] = chunked['__Host-bff_session.2']!.slice(0, -5)
  await invalid(t, s.load(chunked), /altered/, Object.keys(chunked))
})

t.test('rotation: a cookie sealed with the old secret loads when the list is [new, old]', async t => {
  const old = jar(await store({ secrets: [OTHER] }).save(session()))
  t.same((await store({ secrets: [SECRET, OTHER] }).load(old))?.session, session())
})

t.test('a renamed cookie (moved to a non-prefixed name with another base) does not open', async t => {
  const value = jar(await store().save(session()))['__Host-bff_session']!
  const other = new CookieTokenStore({ secrets: [SECRET], secure: true, cookieName: 'bff_other', now: () => NOW_MS })
  await invalid(t, other.load({ '__Host-bff_other': value }), /altered/, ['__Host-bff_other'])
})

t.test('delete and clearCookies clear every cookie present; back-channel logout is refused with a clear 501', async t => {
  const s = store()
  const cookies = jar(await s.save(session({}, 6000)))
  const loaded = await s.load(cookies)
  t.equal((await s.delete(loaded, cookies)).length, Object.keys(cookies).length)
  t.equal(s.clearCookies(cookies).length, Object.keys(cookies).length)
  t.same(s.clearCookies({}), [])
  for (const call of [s.endSessions({ sub: 'user-1' }), s.rememberJti('jti', NOW + 60)]) {
    const err = await call.then(() => undefined, (error: unknown) => error)
    t.type(err, TokenStoreUnsupportedError)
    t.equal((err as TokenStoreUnsupportedError).statusCode, 501)
    t.match((err as Error).message, /TOKEN_STORE=redis/)
  }
  t.equal(await s.ping(), true)
  await s.close()
})

t.test('reread: the session this process refreshed lately, for a request that still has the old cookie', async t => {
  let now = NOW_MS
  const s = new CookieTokenStore({ secrets: [SECRET], secure: true, now: () => now, memoTtlMs: 60_000 })
  const oldCookies = jar(await s.save(session()))
  const old = (await s.load(oldCookies))!
  t.equal(await s.reread(old), old.session, 'nothing refreshed: the cookie\'s session')
  const refreshed = session({ tokens: { ...session().tokens, accessToken: 'access-token-2', refreshToken: 'refresh-token-2', accessTokenIssuedAt: NOW } })
  await s.save(refreshed, old)
  t.same(await s.reread(await s.load(oldCookies) as never), refreshed, 'the old cookie gets the refreshed session')
  now += 60_000
  t.same(await s.reread(await s.load(oldCookies) as never), old.session, 'only for a while')
})

t.test('a session signed out in this process: a copy of its cookie no longer opens, even one opened before', async t => {
  const store = new CookieTokenStore({ secrets: [SECRET], secure: true, now: () => NOW_MS })
  const cookies = jar(await store.save(session()))
  const loaded = await store.load(cookies)
  t.equal(loaded?.session.sub, 'user-1')
  t.equal((await store.load(cookies))?.session, loaded?.session, 'the same cookie again: the session opened before')
  await store.delete(loaded, cookies)
  await t.rejects(store.load(cookies), TokenSessionInvalidError, 'the copy taken before the logout')
  const other = jar(await store.save(session({ id: 'YW5vdGhlci1zZXNzaW9uLWlkLTEyMzQ' })))
  t.equal((await store.load(other))?.session.id, 'YW5vdGhlci1zZXNzaW9uLWlkLTEyMzQ', 'other sessions are not affected')
})
