import { connect, type AddressInfo } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

t.test('a browser that goes away takes its call to Ory with it', async t => {
  let upstreamClosed: Promise<void> | undefined
  const { app, upstream } = await mirrorOfUpstream(t, (req, res, socket) => {
    if (req.url.startsWith('/sessions/whoami')) {
      // Never answers: only the BFF giving up can end this request.
      upstreamClosed = new Promise(resolve => socket.once('close', () => resolve()))
      return
    }
    json(res, 200, {})
  }, { UPSTREAM_TIMEOUT_MS: '120000' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  const browser = connect(port, '127.0.0.1')
  let received = ''
  browser.setEncoding('utf8')
  browser.on('data', (chunk: string) => { received += chunk })
  browser.write('GET /.ory/sessions/whoami HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n')
  await upstream.waitForRequests(2)
  browser.destroy()

  // The timer only bounds a failure; success is the event. Unreferenced, so that it does not hold the test open for
  // its full length once the event has come.
  const outcome = await Promise.race([upstreamClosed!.then(() => 'aborted'), delay(10_000, 'still running', { ref: false })])
  t.equal(outcome, 'aborted', 'the connection to Ory was closed when the browser left')
  t.equal(received, '', 'nothing was written to the browser')

  const after = await app.inject({ url: '/.ory/self-service/login/flows?id=1' })
  t.equal(after.statusCode, 200, 'the BFF carries on')
})
