import t from 'tap'
import { otelEnv, parseTraceparent, spanNamed, startOtlpReceiver } from '../../helpers/otlp.js'
import { withProxy } from '../../helpers/proxy.js'

// An /api/proxy call is a client span of the request's trace, and the API gets that span's W3C trace context, not the
// one the browser sent: the API's own spans join the BFF's trace as children of the call.

t.test('the API receives a traceparent of the request\'s trace, whose parent is the BFF\'s call span', async t => {
  const collector = await startOtlpReceiver()
  t.teardown(collector.close)
  const { app, ory, api } = await withProxy(t, { env: otelEnv(collector) })
  const res = await app.inject({
    method: 'GET',
    url: '/api/proxy/orders/items?page=2',
    headers: {
      cookie: ory.signIn('ada'),
      'x-csrf': '1',
      // A browser's own (sampled) trace context: the request continues that trace, but the API gets the BFF's span as
      // its parent, not the browser's.
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'browser=1'
    }
  })
  t.equal(res.statusCode, 200)
  const seen = api.requests[0]!
  const sent = parseTraceparent(seen.headers.traceparent)
  t.equal(seen.headers.tracestate, 'browser=1', 'the caller\'s tracestate goes on with its trace (W3C Trace Context §3.3)')
  await app.close()

  const request = spanNamed(collector.spans, 'GET /api/proxy/:name/*')
  const call = spanNamed(collector.spans, 'api orders')
  t.equal(request.traceId, '0af7651916cd43dd8448eb211c80319c', 'the request continues the browser\'s trace')
  t.equal(request.parentSpanId, 'b7ad6b7169203331')
  t.equal(sent.traceId, request.traceId, 'the API\'s traceparent is of the request\'s trace')
  t.equal(sent.parentId, call.spanId, 'its parent is the call\'s span')
  t.not(sent.parentId, 'b7ad6b7169203331', 'not the browser\'s span')
  t.equal(call.traceId, request.traceId)
  t.equal(call.kind, 3, 'a client span')
  t.equal(call.attributes['http.response.status_code'], 200)
  t.equal(call.attributes['http.request.method'], 'GET')
  t.equal(call.attributes['bff.api_route'], 'orders')
  t.equal(request.resource['service.name'], 'ory-bff')
  // The tokenizing whoami call to Ory is a span of the same trace too.
  const whoami = spanNamed(collector.spans, 'ory toSession')
  t.equal(whoami.traceId, request.traceId)
  t.equal(parseTraceparent(ory.tokenizations()[0]!.headers.traceparent).parentId, whoami.spanId)
})
