import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildDist } from '../../helpers/build.js'
import { get } from '../../helpers/http.js'
import { otelEnv, parseTraceparent, spanNamed, startOtlpReceiver } from '../../helpers/otlp.js'
import { isListening, listeningPort, startServer } from '../../helpers/process.js'
import { startUpstream } from '../../helpers/upstream.js'

// The image's bundle traces as the source does. Its tracing code is a part of its own (telemetry.cjs), loaded on
// demand, which must work with the app's own modules (the Ory client's errors, the request logger) rather than
// copies of them: the Ory call's error code and the log lines' trace ids say so.

t.test('the bundled server, with OTEL_EXPORTER_OTLP_ENDPOINT, exports the request and Ory call spans and logs trace ids', async t => {
  const work = await mkdtemp(join(tmpdir(), 'ory-bff-traces-'))
  t.teardown(async () => await rm(work, { recursive: true, force: true }))
  const dist = join(work, 'dist')
  await buildDist(dist)

  const collector = await startOtlpReceiver()
  t.teardown(collector.close)
  // Ory: breaks the connection on whoami (the client throws its OryUnavailableError), after recording the trace
  // context it got; the readiness probe gets an answer.
  const ory = await startUpstream((req, res) => {
    if (req.url.startsWith('/sessions/whoami')) {
      res.socket?.destroy()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('[]')
  })
  t.teardown(ory.close)
  const server = startServer({
    NODE_ENV: 'production',
    ORY_URL: ory.url,
    PORT: '0',
    HOST: '127.0.0.1',
    SHUTDOWN_DELAY_MS: '0',
    ...otelEnv(collector)
  }, { args: [join(dist, 'bundle', 'server.js')], cwd: work })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = listeningPort(await server.waitForLog(isListening))

  const answer = await get(port, '/api/session', { cookie: 'ory_kratos_session=not-a-session' })
  t.equal(answer.status, 502)
  const access = await server.waitForLog(line => line.msg === 'request completed' && line.path === '/api/session')
  const atOry = ory.requests.find(req => req.url.startsWith('/sessions/whoami'))!
  server.child.kill('SIGTERM')
  t.equal((await server.exited).code, 0)

  const request = spanNamed(collector.spans, 'GET /api/session')
  const call = spanNamed(collector.spans, 'ory toSession')
  t.equal(call.traceId, request.traceId)
  t.equal(call.attributes['http.response.status_code'], undefined)
  t.equal(call.attributes['error.type'], 'ORY_BFF_UPSTREAM_UNAVAILABLE', 'classified with the app\'s error classes, not copies')
  t.equal(parseTraceparent(atOry.headers.traceparent).parentId, call.spanId, 'Ory got the call span\'s trace context')
  t.equal(access.trace_id, request.traceId, 'the access line names the trace')
  t.equal(access.span_id, request.spanId)
  t.equal(server.stderr(), '')
})
