import t from 'tap'
import { get } from '../../helpers/http.js'
import { isListening, listeningPort, startServer } from '../../helpers/process.js'
import { startFakeOry } from '../../helpers/fake-ory.js'

t.test('SIGINT (a developer\'s Ctrl-C) closes at once, without SHUTDOWN_DELAY_MS', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const server = startServer({
    ORY_URL: ory.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    READY_PROBE_INTERVAL_MS: '300000',
    // Longer than tap's timeout for this file: waiting for it would fail the test.
    SHUTDOWN_DELAY_MS: '600000'
  })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = listeningPort(await server.waitForLog(isListening))
  t.equal((await get(port, '/health/alive')).status, 200)

  server.child.kill('SIGINT')
  const { code } = await server.exited
  t.equal(code, 0, 'exit code 0')
  const shutdown = server.logs.find(line => String(line.msg).startsWith('shutting down'))
  t.equal(shutdown?.signal, 'SIGINT')
  t.equal(shutdown?.delayMs, undefined, 'no delay')
  t.ok(server.logs.some(line => line.msg === 'closed'))
})
