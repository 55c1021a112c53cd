import t from 'tap'
import { get, splitRequest } from '../../helpers/http.js'
import { isListening, listeningPort, startServer } from '../../helpers/process.js'
import { healthy, startFakeOry, type Handler } from '../../helpers/fake-ory.js'

t.test('once the server closes, requests in flight finish with their real answers, new ones are refused, and the process exits 0', async t => {
  // Ory holds its answer to the readiness probe until the test lets it go: the readiness requests are in flight.
  let release: () => void = () => {}
  const gate = new Promise<void>(resolve => { release = resolve })
  const held: Handler = (req, res) => { gate.then(() => healthy(req, res)).catch(() => {}) }
  const ory = await startFakeOry(held)
  t.teardown(ory.close)

  const server = startServer({
    ORY_URL: ory.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'trace',
    READY_PROBE_INTERVAL_MS: '300000',
    // Closing at once: what happens to requests once the server closes, with or without a delay before.
    SHUTDOWN_DELAY_MS: '0',
    SHUTDOWN_GRACE_MS: '20000'
  })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = listeningPort(await server.waitForLog(isListening))
  await ory.waitForRequests(1)

  const inFlight = Array.from({ length: 5 }, async (_, i) => await get(port, '/health/ready', { 'x-request-id': `in-flight-${i}` }))
  // The server has read all five (trace level logs each request as it arrives).
  await server.waitForLogs(line => line.msg === 'request received' && line.path === '/health/ready', 5)
  // A connection that is busy sending its request when the signal comes.
  const late = await splitRequest(port, '/health/ready')

  server.child.kill('SIGTERM')
  await server.waitForLog(line => String(line.msg).startsWith('shutting down'))
  const refused = await late.finish()
  t.match(refused, /^HTTP\/1\.1 503 /, 'a request completed after the signal is refused')
  t.match(refused, /\r\nconnection: close\r\n/i)
  t.match(refused, /"id":"shutting_down"/)
  t.match(refused, /"request":"after-sigterm"/)

  t.equal(server.child.exitCode, null, 'still running while requests are in flight')
  release()
  const answers = await Promise.all(inFlight)
  answers.forEach((answer, i) => {
    t.equal(answer.status, 200, `in-flight request ${i} got its real answer`)
    t.same(JSON.parse(answer.body), { status: 'ok' })
    t.equal(answer.headers['x-request-id'], `in-flight-${i}`)
  })

  const { code } = await server.exited
  t.equal(code, 0, 'exit code 0')
  t.ok(server.logs.some(line => line.msg === 'closed'), 'the server logged its close')
  t.equal(server.stderr(), '', 'nothing on stderr')
})
