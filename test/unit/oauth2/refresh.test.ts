import t from 'tap'
import { Refresher } from '../../../src/oauth2/refresh.js'
import { CookieTokenStore } from '../../../src/oauth2/stores/cookie-store.js'
import { TokenSessionInvalidError } from '../../../src/oauth2/errors.js'
import type { LoadedSession, OAuth2Session, TokenStore } from '../../../src/oauth2/types.js'

// The refresher: due a little before expiry (at most half the token's lifetime before), and one token request per
// session however many requests find it due together. Each of them gets the new session and the cookies that carry
// it; a request sent with the old cookie after the refresh uses the new tokens instead of replaying the old refresh
// token; a failed refresh fails every request that waited for it, the same way.

const SECRET = 'refresher-secret-0123456789-0123456789-012'
const NOW_MS = 1_700_000_000_000
const NOW = NOW_MS / 1000

function session (tokens: Partial<OAuth2Session['tokens']> = {}): OAuth2Session {
  return {
    id: 'cmVmcmVzaGVyLXNlc3Npb24taWQ',
    sub: 'user-1',
    claims: {},
    tokens: { accessToken: 'access-1', tokenType: 'bearer', accessTokenIssuedAt: NOW - 3600, accessTokenExpiresAt: NOW - 1, refreshToken: 'refresh-1', ...tokens },
    createdAt: NOW - 3600,
    expiresAt: NOW + 86_400
  }
}

function cookiesOf (lines: string[]): Record<string, string> {
  return Object.fromEntries(lines.filter(line => !/Max-Age=0(;|$)/.test(line)).map(line => {
    const pair = line.split(';')[0]!
    return [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
  }))
}

/** A token endpoint held until the test releases it, counting the calls. */
function tokenEndpoint () {
  const calls: string[] = []
  let release!: (value: OAuth2Session | Error) => void
  let called!: () => void
  const firstCall = new Promise<void>(resolve => { called = resolve })
  const answer = new Promise<OAuth2Session | Error>(resolve => { release = resolve })
  const refresh = async (current: OAuth2Session): Promise<OAuth2Session> => {
    calls.push(current.tokens.refreshToken ?? '')
    called()
    const result = await answer
    if (result instanceof Error) throw result
    return result
  }
  return { calls, refresh, firstCall, release }
}

const refreshed = (): OAuth2Session => ({
  ...session(),
  tokens: { accessToken: 'access-2', tokenType: 'bearer', accessTokenIssuedAt: NOW, accessTokenExpiresAt: NOW + 3600, refreshToken: 'refresh-2' }
})

t.test('isDue: expired; within the skew; the skew capped at half the lifetime; otherwise not', async t => {
  const refresher = new Refresher({ store: {} as TokenStore, refresh: async s => s, skewSeconds: 60, now: () => NOW_MS })
  t.equal(refresher.isDue(session({ accessTokenExpiresAt: NOW })), true, 'expiring now')
  t.equal(refresher.isDue(session({ accessTokenExpiresAt: NOW - 100 })), true, 'expired')
  t.equal(refresher.isDue(session({ accessTokenIssuedAt: NOW - 3000, accessTokenExpiresAt: NOW + 59 })), true, 'within the skew')
  t.equal(refresher.isDue(session({ accessTokenIssuedAt: NOW - 3000, accessTokenExpiresAt: NOW + 60 })), false, 'at the skew')
  t.equal(refresher.isDue(session({ accessTokenIssuedAt: NOW - 3000, accessTokenExpiresAt: NOW + 600 })), false, 'far from expiry')
  // A 60 s token: half its lifetime (30 s) is the skew, or it would be due from the moment it was issued.
  t.equal(refresher.isDue(session({ accessTokenIssuedAt: NOW, accessTokenExpiresAt: NOW + 60 })), false, 'short-lived, fresh')
  t.equal(refresher.isDue(session({ accessTokenIssuedAt: NOW - 29, accessTokenExpiresAt: NOW + 31 })), false, 'short-lived, more than half left')
  t.equal(refresher.isDue(session({ accessTokenIssuedAt: NOW - 31, accessTokenExpiresAt: NOW + 29 })), true, 'short-lived, less than half left')
  t.throws(() => new Refresher({ store: {} as TokenStore, refresh: async s => s, skewSeconds: -1 }), RangeError)
})

t.test('not due: the same session, no cookies, no token request', async t => {
  const store = new CookieTokenStore({ secrets: [SECRET], secure: true, now: () => NOW_MS })
  const endpoint = tokenEndpoint()
  const refresher = new Refresher({ store, refresh: endpoint.refresh, skewSeconds: 60, now: () => NOW_MS })
  const fresh = session({ accessTokenIssuedAt: NOW, accessTokenExpiresAt: NOW + 3600 })
  const loaded = (await store.load(cookiesOf(await store.save(fresh))))!
  const result = await refresher.ensureFresh(loaded)
  t.equal(result.session, loaded.session)
  t.same(result.setCookies, [])
  t.equal(endpoint.calls.length, 0)
})

for (const concurrency of [2, 5, 50]) {
  t.test(`${concurrency} concurrent requests on a due session: one token request, every request gets the new session and cookies`, async t => {
    const store = new CookieTokenStore({ secrets: [SECRET], secure: true, now: () => NOW_MS })
    const endpoint = tokenEndpoint()
    const refresher = new Refresher({ store, refresh: endpoint.refresh, skewSeconds: 60, now: () => NOW_MS })
    const cookies = cookiesOf(await store.save(session()))
    // Every request loads its own copy of the session from the same cookie, as concurrent requests do.
    const loads: LoadedSession[] = []
    for (let i = 0; i < concurrency; i++) loads.push((await store.load(cookies))!)
    const results = Promise.all(loads.map(async loaded => await refresher.ensureFresh(loaded)))
    await endpoint.firstCall
    const next = refreshed()
    endpoint.release(next)
    const all = await results
    t.same(endpoint.calls, ['refresh-1'], 'exactly one token request, with the old refresh token')
    for (const result of all) {
      t.equal(result.session, next)
      t.same(result.setCookies, all[0]!.setCookies)
    }
    t.equal(all[0]!.setCookies.length, 1)
    t.same((await store.load(cookiesOf(all[0]!.setCookies)))?.session, next, 'the cookies hold the new session')
  })
}

t.test('a request sent with the old cookie after the refresh: no second token request, it gets the new cookies', async t => {
  const store = new CookieTokenStore({ secrets: [SECRET], secure: false, now: () => NOW_MS })
  const endpoint = tokenEndpoint()
  const refresher = new Refresher({ store, refresh: endpoint.refresh, skewSeconds: 60, now: () => NOW_MS })
  const oldCookies = cookiesOf(await store.save(session()))
  const first = refresher.ensureFresh((await store.load(oldCookies))!)
  await endpoint.firstCall
  endpoint.release(refreshed())
  const done = await first
  const late = await refresher.ensureFresh((await store.load(oldCookies))!)
  t.equal(endpoint.calls.length, 1)
  t.equal(late.session, done.session)
  t.equal(late.setCookies.length, 1)
  t.same((await store.load(cookiesOf(late.setCookies)))?.session, refreshed())
})

t.test('the refresh fails: every request that waited gets that very error; the next one tries again', async t => {
  const store = new CookieTokenStore({ secrets: [SECRET], secure: true, now: () => NOW_MS })
  const endpoint = tokenEndpoint()
  const refresher = new Refresher({ store, refresh: endpoint.refresh, skewSeconds: 60, now: () => NOW_MS })
  const cookies = cookiesOf(await store.save(session()))
  const loads: LoadedSession[] = []
  for (let i = 0; i < 5; i++) loads.push((await store.load(cookies))!)
  const results = Promise.allSettled(loads.map(async loaded => await refresher.ensureFresh(loaded)))
  await endpoint.firstCall
  const failure = Object.assign(new Error('invalid_grant'), { code: 'invalid_grant' })
  endpoint.release(failure)
  const settled = await results
  for (const result of settled) t.same(result, { status: 'rejected', reason: failure })
  t.equal((settled[0] as PromiseRejectedResult).reason, failure, 'unchanged')
  t.equal(endpoint.calls.length, 1)
  await t.rejects(refresher.ensureFresh(loads[0]!), failure, 'not remembered: a later request tries again')
  t.equal(endpoint.calls.length, 2)
})

t.test('a store whose session is gone when re-read: 401 with the cookies cleared, no token request', async t => {
  const cleared = ['bff_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax']
  const store = {
    kind: 'redis',
    reread: async () => undefined,
    exclusive: async (_id: string, reread: () => Promise<OAuth2Session | undefined>, refresh: (current: OAuth2Session | undefined) => Promise<unknown>) => await refresh(await reread()),
    delete: async () => cleared
  } as unknown as TokenStore
  const endpoint = tokenEndpoint()
  const refresher = new Refresher({ store, refresh: endpoint.refresh, skewSeconds: 60, now: () => NOW_MS })
  const err = await refresher.ensureFresh({ session: session(), handle: {} }).catch((error: unknown) => error)
  t.type(err, TokenSessionInvalidError)
  t.same((err as TokenSessionInvalidError).clearCookies, cleared)
  t.equal(endpoint.calls.length, 0)
})
