import t from 'tap'
import { SAME_ORIGIN } from '../../helpers/session.js'
import { sessionStatus, withReplicas, hearing } from '../../helpers/replicas.js'
import { until } from '../../helpers/oauth2-redis.js'

// A replica that cannot hear the others (Redis killed) could serve a session another replica has logged out: it drops
// its session cache and asks Ory on every check until it hears them again, never a stale answer; once Redis is back
// it subscribes again and caches again, unattended, and nothing crashed.

t.test('Redis killed: uncached, never stale; Redis back: cached again', async t => {
  const { replicas, redis, signIn, whoamiCalls } = await withReplicas(t, 2)
  const [a, b] = replicas.map(replica => replica.app) as [typeof replicas[0]['app'], typeof replicas[0]['app']]
  const ada = (await signIn('ada@example.com')).header()
  const grace = (await signIn('grace@example.com')).header()
  for (const cookie of [ada, grace]) {
    t.equal(await sessionStatus(a, cookie), 200)
    t.equal(await sessionStatus(b, cookie), 200)
  }

  await redis.kill()
  await until('the second replica knows it cannot hear the others', () => b.sessionFanout?.subscribed === false, { attempts: 200, intervalMs: 10 })
  const before = whoamiCalls()
  t.equal(await sessionStatus(b, ada), 200)
  t.equal(await sessionStatus(b, ada), 200)
  t.equal(whoamiCalls(), before + 2, 'every check asks Ory while the replica cannot hear the others')
  // Readiness probes again on each change it is told of (the subscription, then the connection).
  await until('readiness lists Redis, the session cache and the rate limits as degraded', async () => (await b.inject({ method: 'GET', url: '/health/ready' })).json().degraded?.length === 3, { attempts: 100, intervalMs: 20 })
  const ready = await b.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200, 'still ready')
  t.match(ready.json(), { degraded: [/^redis:/, /^session-cache:/, /^rate-limits:/], redis: { connected: false, fanout: { subscribed: false } } })

  // The logout cannot be published now; the second replica answers from Ory, which has ended the session.
  t.equal((await a.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie: ada, ...SAME_ORIGIN } })).statusCode, 204)
  t.equal(await sessionStatus(b, ada), 401, 'no stale session while Redis is down')

  await redis.restart()
  await hearing(replicas)
  t.equal(await sessionStatus(b, grace), 200)
  const cached = whoamiCalls()
  t.equal(await sessionStatus(b, grace), 200)
  t.equal(whoamiCalls(), cached, 'cached again once the replica hears the others')
  t.equal(await sessionStatus(b, ada), 401, 'the logged-out session stays logged out')
  await until('nothing is degraded any more', async () => (await b.readiness.refresh()).degraded === undefined, { attempts: 100, intervalMs: 50 })
  t.match(replicas[0]!.logs.text(), /publishing what other replicas missed while Redis was away/, 'the first replica sent the logout it could not send before')
  t.match(replicas[1]!.logs.text(), /the session cache is off until they can/, 'the outage is logged')
})
