import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { sessionJson, withUpstream } from '../../helpers/session.js'

// A positive answer is kept for SESSION_CACHE_TTL_MS at most, and never past the session's expires_at. The clock is
// the test's: time moves when the test says so, no sleeping.

const headers = { cookie: 'ory_kratos_session=abc' }

t.test('within the TTL the cache answers; after it, Ory is asked again', async t => {
  const { app, clock, whoami, upstream } = await withUpstream(t, (_req, res) => json(res, 200, sessionJson(upstream.url)), { SESSION_CACHE_TTL_MS: '5000' })
  const get = async (): Promise<number> => (await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode
  t.equal(await get(), 200)
  t.equal(whoami().length, 1)
  clock.advance(4_999)
  t.equal(await get(), 200)
  t.equal(await get(), 200)
  t.equal(whoami().length, 1, 'cached within the TTL')
  clock.advance(1)
  t.equal(await get(), 200)
  t.equal(whoami().length, 2, 'asked again once the TTL is over')
  clock.advance(1_000)
  t.equal(await get(), 200)
  t.equal(whoami().length, 2, 'and cached again from then')
})

t.test('never past the session\'s expires_at, however long the TTL', async t => {
  const { app, clock, whoami, upstream } = await withUpstream(t, (_req, res) => {
    json(res, 200, sessionJson(upstream.url, { expiresAt: new Date(clock.now() + 1_000).toISOString() }))
  }, { SESSION_CACHE_TTL_MS: '600000' })
  const get = async (): Promise<number> => (await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode
  t.equal(await get(), 200)
  clock.advance(900)
  t.equal(await get(), 200)
  t.equal(whoami().length, 1, 'cached until expires_at')
  clock.advance(100)
  t.equal(await get(), 200)
  t.equal(whoami().length, 2, 'at expires_at the cached answer is no longer used')
})

t.test('a session that has already expired is not cached', async t => {
  const { app, clock, whoami, upstream } = await withUpstream(t, (_req, res) => {
    json(res, 200, sessionJson(upstream.url, { expiresAt: new Date(clock.now() - 1_000).toISOString() }))
  })
  for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/api/session', headers })
  t.equal(whoami().length, 3)
})

t.test('SESSION_CACHE_TTL_MS=0: every check asks Ory', async t => {
  const { app, whoami, upstream } = await withUpstream(t, (_req, res) => json(res, 200, sessionJson(upstream.url)), { SESSION_CACHE_TTL_MS: '0' })
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode, 200)
  t.equal(whoami().length, 3)
  t.equal(app.sessions.caching, false)
})
