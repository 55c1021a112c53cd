import t from 'tap'
import { get } from '../../helpers/http.js'
import { isListening, listeningPort, startServer } from '../../helpers/process.js'
import { startFakeOry } from '../../helpers/fake-ory.js'

t.test('a second signal during the drain exits at once', async t => {
  // Ory never answers the probe: the readiness request stays in flight, and the drain cannot finish on its own.
  const ory = await startFakeOry(() => {})
  t.teardown(ory.close)
  const server = startServer({
    ORY_URL: ory.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'trace',
    UPSTREAM_TIMEOUT_MS: '60000',
    SHUTDOWN_GRACE_MS: '60000'
  })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = listeningPort(await server.waitForLog(isListening))
  await ory.waitForRequests(1)
  const inFlight = get(port, '/health/ready').then(() => 'answered', () => 'cut off')
  await server.waitForLog(line => line.msg === 'request received' && line.path === '/health/ready')

  server.child.kill('SIGTERM')
  await server.waitForLog(line => String(line.msg).startsWith('shutting down'))
  server.child.kill('SIGINT')
  const { code } = await server.exited
  t.equal(code, 1, 'exit code 1: the drain did not finish')
  t.ok(server.logs.some(line => line.msg === 'second signal: exiting at once' && line.signal === 'SIGINT'))
  t.notOk(server.logs.some(line => line.msg === 'closed'), 'it did not wait for the drain')
  t.equal(await inFlight, 'cut off')
})
