import t from 'tap'
import { SAME_ORIGIN } from '../../helpers/session.js'
import { sessionStatus, withReplicas } from '../../helpers/replicas.js'

// A logout on one replica is a logout on every replica: with REDIS_URL, the others' cached entries of the session
// are evicted within 100 ms (the session cache's TTL here is an hour, so a 200 after the logout could only come from a
// cache that was not told).

t.test('POST /api/session/logout on one replica: the other two answer 401 within 100 ms', async t => {
  const { replicas, signIn, whoamiCalls } = await withReplicas(t, 3)
  const cookie = (await signIn('ada@example.com')).header()
  for (const { app } of replicas) t.equal(await sessionStatus(app, cookie), 200, 'signed in on every replica')
  const asked = whoamiCalls()
  for (const { app } of replicas) t.equal(await sessionStatus(app, cookie), 200)
  t.equal(whoamiCalls(), asked, 'every replica answers from its cache')

  const [a, b, c] = replicas.map(replica => replica.app)
  const logout = await a!.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie, ...SAME_ORIGIN } })
  t.equal(logout.statusCode, 204)
  const loggedOutAt = performance.now()
  // Both polled at once. What is timed is when the replica stopped answering from its cache: the start of the first
  // request it answered 401 (that answer then waits for Ory's own whoami, whose latency is Ory's, not the fan-out's).
  const heard = async (app: typeof a): Promise<{ status: number, evictedWithinMs: number }> => {
    for (;;) {
      const started = performance.now()
      const status = await sessionStatus(app!, cookie)
      if (status !== 200 || started - loggedOutAt >= 1000) return { status, evictedWithinMs: started - loggedOutAt }
      await new Promise(resolve => setImmediate(resolve))
    }
  }
  const results = await Promise.all([heard(b), heard(c)])
  for (const [i, { status, evictedWithinMs }] of results.entries()) {
    t.equal(status, 401, `replica ${i + 2} answers 401`)
    t.ok(evictedWithinMs < 100, `replica ${i + 2} no longer served the session from its cache ${evictedWithinMs.toFixed(1)} ms after the logout`)
  }
  t.ok(whoamiCalls() > asked, 'the other replicas asked Ory again rather than answer from the cache')
  for (const { app } of replicas) {
    const ready = (await app.inject({ method: 'GET', url: '/health/ready' })).json()
    t.match(ready, { status: 'ok', redis: { connected: true, fanout: { subscribed: true } } })
    t.equal(ready.degraded, undefined)
  }
  const lag = (await b!.inject({ method: 'GET', url: '/health/ready' })).json().redis.fanout.last_lag_ms
  t.type(lag, 'number', 'the fan-out lag is reported')
  const metrics = (await b!.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /ory_bff_session_fanout_lag_seconds_count [1-9]/, 'and measured')
  t.match(metrics, /ory_bff_session_cache_suspended 0/)
  t.match(metrics, /ory_bff_redis_up 1/)
})
