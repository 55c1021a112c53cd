import { performance } from 'node:perf_hooks'
import t from 'tap'
import { Pool } from 'undici'
import { isListening, listeningPort, startServer } from '../../helpers/process.js'
import { startFakeOry } from '../../helpers/fake-ory.js'

const DELAY_MS = 3000
const CONNECTIONS = 8

interface Outcome {
  path: string
  status?: number
  connection?: string
  error?: string
  /** Whether the request was sent once readiness had been seen failing. */
  afterNotReady: boolean
}

/** `answer ×count` for each distinct answer, in order of first appearance. */
function tally (values: ReadonlyArray<number | string>): string {
  const counts = new Map<number | string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  return [...counts].map(([value, count]) => `${value} ×${count}`).join(', ')
}

t.test('on SIGTERM, readiness fails at once while keep-alive load is still answered for SHUTDOWN_DELAY_MS; no request is lost and the process exits 0', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const server = startServer({
    ORY_URL: ory.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    READY_PROBE_INTERVAL_MS: '300000',
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    SHUTDOWN_DELAY_MS: String(DELAY_MS),
    SHUTDOWN_GRACE_MS: '10000'
  })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = listeningPort(await server.waitForLog(isListening))
  await ory.waitForRequests(1)

  // Clients that keep their connections open, as a load balancer's or a browser's do.
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS, keepAliveTimeout: 60_000 })
  t.teardown(async () => await pool.destroy())
  const outcomes: Outcome[] = []
  let notReadySeen = false
  const readinessFailed = (): boolean => notReadySeen
  let onAnswer = (): void => {}
  const send = async (path: string): Promise<Outcome> => {
    const outcome: Outcome = { path, afterNotReady: notReadySeen }
    try {
      const res = await pool.request({ method: 'GET', path })
      await res.body.text()
      outcome.status = res.statusCode
      outcome.connection = String(res.headers.connection ?? '')
    } catch (err) {
      outcome.error = `${(err as { code?: string }).code ?? ''} ${(err as Error).message}`
    }
    outcomes.push(outcome)
    onAnswer()
    return outcome
  }
  const answered = async (count: number): Promise<void> => {
    if (outcomes.length >= count) return
    await new Promise<void>(resolve => { onAnswer = () => { if (outcomes.length >= count) resolve() } })
  }

  // Each worker sends until readiness is seen failing, then a few more: the load a load balancer still sends while
  // the endpoint's removal propagates. None is sent past half the delay, which leaves the other half (well above
  // what they take, even on a busy machine) for them to be answered before the server closes.
  let signalledAt = Infinity
  const inWindow = (): boolean => performance.now() - signalledAt < DELAY_MS / 2
  const workers = Array.from({ length: CONNECTIONS }, async () => {
    while (!readinessFailed()) await send('/health/alive')
    for (let i = 0; i < 10 && inWindow(); i++) await send('/health/alive')
  })
  await answered(5 * CONNECTIONS)
  const before = await send('/health/ready')
  t.equal(before.status, 200, 'ready before the signal')

  signalledAt = performance.now()
  server.child.kill('SIGTERM')
  const readiness: Array<number | string> = []
  // Bounded: the flip is immediate; the bounds only keep a broken server from holding the test up.
  while (readiness.length < 200 && inWindow()) {
    const probe = await send('/health/ready')
    readiness.push(probe.status ?? probe.error ?? '')
    if (probe.status === 503) break
  }
  notReadySeen = true
  await Promise.all(workers)
  t.comment(`readiness after the signal: ${tally(readiness)}`)
  t.equal(readiness.at(-1), 503, 'readiness answered 503 during the delay')

  const lost = outcomes.filter(outcome => outcome.error !== undefined)
  const alive = outcomes.filter(outcome => outcome.path === '/health/alive')
  const late = alive.filter(outcome => outcome.afterNotReady)
  t.comment(`requests: ${outcomes.length}, lost: ${lost.length} (${tally(lost.map(outcome => outcome.error!.split(' ')[0]!))}), sent after readiness failed: ${late.length}`)
  t.same(lost.map(outcome => outcome.error), [], 'every request got an HTTP answer: no reset, no refused connection')
  t.ok(late.length > 0, 'requests were still sent once readiness failed')
  t.same(alive.filter(outcome => outcome.status !== 200).map(outcome => outcome.status), [], 'each was answered as usual')
  t.ok(late.every(outcome => outcome.connection === 'close'), 'and told its client to open the next connection elsewhere')

  const { code } = await server.exited
  const exitedAfterMs = performance.now() - signalledAt
  t.equal(code, 0, 'exit code 0')
  t.ok(exitedAfterMs >= DELAY_MS, `the process exited after the delay (${Math.round(exitedAfterMs)} ms after the signal)`)
  const messages = server.logs.map(line => String(line.msg))
  t.ok(messages.indexOf('closing: no new connections; in-flight requests finish') > messages.findIndex(msg => msg.startsWith('shutting down')), 'it closed once the delay was over')
  t.ok(messages.includes('closed'))
  t.equal(server.stderr(), '', 'nothing on stderr')
})
