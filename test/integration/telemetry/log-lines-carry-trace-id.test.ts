import t from 'tap'
import { otelEnv, spanNamed, startOtlpReceiver } from '../../helpers/otlp.js'
import { withProxy } from '../../helpers/proxy.js'

// With tracing on, every log line of a request names its trace and its request span (`trace_id`, `span_id`), the
// access line included, so that a trace in the tracing backend leads to its log lines and back.

t.test('the access line and the request\'s other lines carry the request span\'s trace and span ids', async t => {
  const collector = await startOtlpReceiver()
  t.teardown(collector.close)
  const { app, ory, logs, handle } = await withProxy(t, { env: otelEnv(collector) })
  // The API breaks the connection: the BFF answers 502 and logs why, through the request's logger.
  handle((_req, res) => { res.socket?.destroy() })
  const res = await app.inject({ method: 'GET', url: '/api/proxy/orders/items', headers: { cookie: ory.signIn('ada'), 'x-csrf': '1' } })
  t.equal(res.statusCode, 502)
  const requestId = String(res.headers['x-request-id'])
  await app.close()

  const request = spanNamed(collector.spans, 'GET /api/proxy/:name/*')
  const lines = logs.lines().filter(line => line.requestId === requestId || line.reqId === requestId)
  const access = lines.find(line => line.msg === 'request completed')
  t.ok(access, 'the access line')
  t.ok(lines.length >= 2, `the access line and at least one more (${lines.map(line => String(line.msg)).join(' | ')})`)
  for (const line of lines) {
    t.equal(line.trace_id, request.traceId, `trace_id on "${String(line.msg)}"`)
    t.equal(line.span_id, request.spanId, `span_id on "${String(line.msg)}"`)
  }
  t.equal(access?.status, 502)
})

t.test('without tracing, log lines have no trace fields', async t => {
  const { app, ory, logs } = await withProxy(t)
  const res = await app.inject({ method: 'GET', url: '/api/proxy/orders/items', headers: { cookie: ory.signIn('ada'), 'x-csrf': '1' } })
  t.equal(res.statusCode, 200)
  const access = logs.lines().find(line => line.msg === 'request completed' && line.requestId === res.headers['x-request-id'])
  t.ok(access)
  t.notOk('trace_id' in access!, 'no trace_id')
})
