import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { body, sessionJson, withUpstream } from '../../helpers/session.js'

// Ory unreachable or broken: 502 in Ory's shape; Ory too slow: 504. Neither is remembered: the next check asks again
// and, Ory being back, gets the session.

const headers = { cookie: 'ory_kratos_session=abc', 'x-request-id': 'fail-1' }

t.test('a reset connection → 502, not cached; Ory back → 200', async t => {
  let healthy = false
  const { app, whoami, upstream } = await withUpstream(t, (_req, res) => {
    if (healthy) json(res, 200, sessionJson(upstream.url))
    else res.socket?.destroy()
  })
  for (const url of ['/api/session', '/.ory/sessions/whoami']) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, 502, url)
    t.match(body(res), { error: { code: 502, status: 'Bad Gateway', id: 'upstream_unavailable', request: 'fail-1' } })
    t.notMatch(res.body, /127\.0\.0\.1/, 'the upstream\'s address is not shown')
  }
  const failedCalls = whoami().length
  healthy = true
  const res = await app.inject({ method: 'GET', url: '/api/session', headers })
  t.equal(res.statusCode, 200, 'the failure was not cached')
  t.equal(whoami().length, failedCalls + 1)
})

t.test('Ory\'s 500 passes through as Ory sent it and is not cached', async t => {
  let healthy = false
  const { app, whoami, upstream } = await withUpstream(t, (_req, res) => {
    if (healthy) json(res, 200, sessionJson(upstream.url))
    else json(res, 500, { error: { code: 500, status: 'Internal Server Error', message: 'database is down' } })
  })
  const res = await app.inject({ method: 'GET', url: '/api/session', headers })
  t.equal(res.statusCode, 500)
  t.same(body(res), { error: { code: 500, status: 'Internal Server Error', message: 'database is down' } })
  healthy = true
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode, 200)
  t.equal(whoami().length, 2)
})

t.test('no answer within UPSTREAM_TIMEOUT_MS → 504, not cached', async t => {
  let healthy = false
  const { app, whoami, upstream } = await withUpstream(t, (_req, res) => {
    // Not healthy: the headers never come (the stand-in closes the socket at teardown).
    if (healthy) json(res, 200, sessionJson(upstream.url))
  // Long enough that the healthy answer afterwards comes in time on a busy machine.
  }, { UPSTREAM_TIMEOUT_MS: '1500' })
  const res = await app.inject({ method: 'GET', url: '/api/session', headers })
  t.equal(res.statusCode, 504)
  t.match(body(res), { error: { code: 504, status: 'Gateway Timeout', id: 'upstream_timeout', request: 'fail-1' } })
  healthy = true
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode, 200)
  t.equal(whoami().length, 2)
})

t.test('a 200 that is not a session → 502, not cached', async t => {
  const { app, whoami } = await withUpstream(t, (_req, res) => json(res, 200, { hello: 'world' }))
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({ method: 'GET', url: '/api/session', headers })
    t.equal(res.statusCode, 502)
    t.match(body(res), { error: { id: 'upstream_bad_response' } })
  }
  t.equal(whoami().length, 2)
})
