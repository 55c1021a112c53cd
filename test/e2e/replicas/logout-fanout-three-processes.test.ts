import t from 'tap'
import { SAME_ORIGIN } from '../../helpers/session.js'
import { sessionStatus, startReplicaProcesses } from '../../helpers/replica-processes.js'

// Three server processes sharing one redis-server: a logout on one, and the other two stop serving the session from
// their caches within 100 ms (their TTL is an hour: a 200 after that could only be a cache that was not told).

t.test('logout on one of three processes: the other two answer 401 within 100 ms', async t => {
  const { replicas, signIn, whoamiCalls } = await startReplicaProcesses(t, 3)
  const cookie = (await signIn('ada@example.com')).header()
  for (const replica of replicas) t.equal(await sessionStatus(replica, cookie), 200, 'signed in on every replica')
  const asked = whoamiCalls()
  for (const replica of replicas) t.equal(await sessionStatus(replica, cookie), 200, 'answered again')
  t.equal(whoamiCalls(), asked, 'from every replica\'s cache')

  const [a, ...others] = replicas
  const logout = await fetch(`${a!.url}/api/session/logout`, { method: 'POST', headers: { cookie, ...SAME_ORIGIN } })
  t.equal(logout.status, 204)
  const loggedOutAt = performance.now()
  // Polled at once. Timed: the start of the first request a replica answered 401 (the answer then waits for Ory's
  // whoami, whose latency is Ory's, not the fan-out's).
  const results = await Promise.all(others.map(async replica => {
    for (;;) {
      const started = performance.now()
      const status = await sessionStatus(replica, cookie)
      if (status !== 200 || started - loggedOutAt >= 1000) return { status, evictedWithinMs: started - loggedOutAt }
    }
  }))
  for (const [i, { status, evictedWithinMs }] of results.entries()) {
    t.equal(status, 401, `replica ${i + 2} answers 401`)
    t.ok(evictedWithinMs < 100, `replica ${i + 2} stopped serving the session ${evictedWithinMs.toFixed(1)} ms after the logout`)
  }
  for (const replica of replicas) t.equal(replica.server.child.exitCode, null, 'still running')
})
