import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import type { App } from '../../../src/app.js'
import { captureLogs, readyTestApp, type LogCapture } from '../../helpers/app.js'
import { oryConfig } from '../../helpers/config.js'
import { readToBreak } from '../../helpers/raw-http.js'
import { startUpstream } from '../../helpers/upstream.js'

// A pass-through answer whose connection Ory resets halfway through the body: Ory is unavailable, as when it cannot
// be reached at all, never a 500. Before the first byte of the body the BFF still owns the answer: a 502 in Ory's
// shape. After it, the status line is on the wire: the connection is cut, so that the browser sees a broken answer.

async function resettingMirror (t: Test, contentType: string, firstBytes: string): Promise<{ app: App, logs: LogCapture }> {
  const upstream = await startUpstream((req, res, socket) => {
    if (!req.url.startsWith('/self-service/methods/saml/')) {
      // The readiness probe, and nothing else, gets a whole answer.
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('[]')
      return
    }
    // A declared length that never arrives: the break is a reset, not an end.
    res.writeHead(200, { 'content-type': contentType, 'content-length': '1000', 'set-cookie': 'ory_session_x=1; Path=/' })
    if (firstBytes === '') res.flushHeaders()
    res.write(firstBytes, () => socket.resetAndDestroy())
  })
  t.teardown(upstream.close)
  const logs = captureLogs()
  const app = await readyTestApp(t, oryConfig(upstream.url, { LOG_LEVEL: 'info' }), { logStream: logs.stream })
  return { app, logs }
}

function noFiveHundred (t: Test, logs: LogCapture): void {
  const lines = logs.lines()
  t.notOk(lines.some(line => line.status === 500), 'no 500 logged')
  t.ok(lines.some(line => (line.err as { code?: string } | undefined)?.code === 'ORY_BFF_UPSTREAM_UNAVAILABLE'), 'logged as Ory unavailable')
}

t.test('streamed: headers, then a reset: 502 in Ory\'s shape, without Ory\'s headers', async t => {
  const { app, logs } = await resettingMirror(t, 'application/samlmetadata+xml', '')
  const res = await app.inject({ url: '/.ory/self-service/methods/saml/metadata/okta', headers: { 'x-request-id': 'reset-1' } })
  t.equal(res.statusCode, 502)
  t.match(res.json(), { error: { code: 502, id: 'upstream_unavailable', request: 'reset-1' } })
  t.equal(res.headers['set-cookie'], undefined, 'no cookie of an answer that never came')
  noFiveHundred(t, logs)
})

t.test('buffered (JSON, to be rewritten): headers, part of the body, then a reset: 502', async t => {
  const { app, logs } = await resettingMirror(t, 'application/json', '{"id":')
  const res = await app.inject({ url: '/.ory/self-service/methods/saml/metadata/okta' })
  t.equal(res.statusCode, 502)
  t.match(res.json(), { error: { code: 502, id: 'upstream_unavailable' } })
  noFiveHundred(t, logs)
})

t.test('streamed: part of the body already sent, then a reset: the connection is cut, never a short 200', async t => {
  const { app, logs } = await resettingMirror(t, 'application/samlmetadata+xml', '<md:EntityDescriptor')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const answer = await readToBreak(port, '/.ory/self-service/methods/saml/metadata/okta')
  t.equal(answer.status, 200, 'Ory\'s status, sent with the first bytes')
  t.ok(answer.aborted, 'the answer breaks off instead of ending')
  t.notOk(answer.complete, 'the browser can tell it is incomplete')
  t.equal(answer.received, '<md:EntityDescriptor')
  noFiveHundred(t, logs)
})
