import t from 'tap'
import { SAME_ORIGIN } from '../../helpers/session.js'
import { until } from '../../helpers/oauth2-redis.js'
import { fanoutSubscribed, readiness, sessionStatus, startReplicaProcesses } from '../../helpers/replica-processes.js'

// Redis killed in the middle of traffic, then restarted, with three server processes on it: no process crashes, none
// serves a session that was logged out meanwhile, they stay ready (listing what is degraded), and they recover by
// themselves, without a restart.

t.test('Redis killed mid-run and restarted: no crash, no stale session, recovery without restart', async t => {
  const { replicas, redis, signIn, whoamiCalls } = await startReplicaProcesses(t, 3)
  const [a, b, c] = replicas as [typeof replicas[0], typeof replicas[0], typeof replicas[0]]
  const ada = (await signIn('ada@example.com')).header()
  const grace = (await signIn('grace@example.com')).header()
  for (const replica of replicas) {
    t.equal(await sessionStatus(replica, ada), 200)
    t.equal(await sessionStatus(replica, grace), 200)
  }

  // Traffic on every replica while Redis goes away: every answer a 200 (Ory is up), none a 5xx.
  const traffic = { running: true, statuses: [] as number[] }
  const flowing = Promise.all(replicas.map(async replica => {
    while (traffic.running) traffic.statuses.push(await sessionStatus(replica, grace))
  }))
  await redis.kill()
  await until('no replica hears the others', async () => !(await Promise.all(replicas.map(fanoutSubscribed))).some(Boolean), { attempts: 300, intervalMs: 20 })
  // Readiness probes again on each change it is told of: the lost subscription, then the lost connection.
  const degraded = async (): Promise<boolean> => (await Promise.all(replicas.map(readiness))).every(({ body }) => body.degraded?.length >= 3)
  await until('every replica lists what is degraded', degraded, { attempts: 100, intervalMs: 20 })
  for (const replica of replicas) {
    const { status, body } = await readiness(replica)
    t.equal(status, 200, 'ready for what needs no Redis')
    t.match(body, { status: 'ok', redis: { connected: false, fanout: { subscribed: false } } })
    t.ok(body.degraded?.some((line: string) => line.startsWith('session-cache:')), 'the session cache is listed as degraded')
    t.ok(body.degraded?.some((line: string) => line.startsWith('rate-limits:')), 'and the rate limits, counted per replica meanwhile')
  }

  // Uncached while Redis is down: a logout on one replica is seen by the others at once (they ask Ory).
  t.equal((await fetch(`${a.url}/api/session/logout`, { method: 'POST', headers: { cookie: ada, ...SAME_ORIGIN } })).status, 204)
  t.equal(await sessionStatus(b, ada), 401, 'no stale session on the second replica')
  t.equal(await sessionStatus(c, ada), 401, 'nor on the third')

  await redis.restart()
  await until('every replica hears the others again', async () => (await Promise.all(replicas.map(fanoutSubscribed))).every(Boolean), { attempts: 300, intervalMs: 50 })
  traffic.running = false
  await flowing
  t.ok(traffic.statuses.length > 0)
  t.same([...new Set(traffic.statuses)], [200], `every answer during the outage was a 200 (${traffic.statuses.length} requests)`)

  for (const replica of replicas) t.equal(await sessionStatus(replica, grace), 200)
  const asked = whoamiCalls()
  for (const replica of replicas) t.equal(await sessionStatus(replica, grace), 200)
  t.equal(whoamiCalls(), asked, 'cached again on every replica')
  for (const replica of replicas) t.equal(await sessionStatus(replica, ada), 401, 'the logged-out session stays out')
  await until('nothing is degraded any more', async () => (await Promise.all(replicas.map(readiness))).every(({ body }) => body.degraded === undefined && body.redis.connected === true), { attempts: 300, intervalMs: 50 })
  for (const replica of replicas) {
    t.equal(replica.server.child.exitCode, null, 'the process never exited')
    t.equal(replica.server.stderr(), '', 'nothing on stderr')
  }
})
