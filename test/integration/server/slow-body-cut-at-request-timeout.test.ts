import { connect } from 'node:net'
import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { assertCutWith408, slowSocket } from '../../helpers/slow-client.js'

t.test('a body sent a byte at a time is cut at REQUEST_TIMEOUT_MS, not at Node\'s 60 s defaults', async t => {
  const app = buildTestApp(t, testConfig({ REQUEST_TIMEOUT_MS: '1000' }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }

  const socket = connect(port, '127.0.0.1')
  // The request head at once, then the 100 bytes it announces one every 200 ms: 20 s if nothing cuts it.
  const result = await slowSocket(socket, {
    head: 'POST /.ory/self-service/login?flow=x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
    drip: '"',
    intervalMs: 200,
    giveUpMs: 8_000
  })
  assertCutWith408(t, result)
})
