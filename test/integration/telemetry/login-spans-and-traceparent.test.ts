import t from 'tap'
import { startEmulator } from '../../../src/emulator/index.js'
import { readyTestApp } from '../../helpers/app.js'
import { oryConfig, PASSWORD_HASH_COST, PUBLIC_URL } from '../../helpers/config.js'
import { forwardTo } from '../../helpers/forward.js'
import { Browser, csrfToken, PASSWORD } from '../../helpers/mirror.js'
import { otelEnv, parseTraceparent, spanNamed, startOtlpReceiver } from '../../helpers/otlp.js'
import { startUpstream } from '../../helpers/upstream.js'

// A browser login through the `/.ory` mirror, traced as a user would configure it (OTEL_EXPORTER_OTLP_ENDPOINT): each
// request is a span, each call to Ory a client span of it with the operation and Ory's status, and Ory (here a
// recording proxy in front of the emulator) gets that call span's trace context.

t.test('a login through /.ory shows the request span, the Ory call span and the traceparent Ory got', async t => {
  const collector = await startOtlpReceiver()
  t.teardown(collector.close)
  let emulatorUrl = ''
  const ory = await startUpstream(async (req, res) => await forwardTo(emulatorUrl, req, res))
  t.teardown(ory.close)
  const emu = await startEmulator({
    port: 0,
    baseUrl: ory.url,
    uiUrl: PUBLIC_URL,
    passwordHashCost: PASSWORD_HASH_COST,
    seed: { identities: [{ traits: { email: 'ada@example.com', name: { first: 'Ada', last: 'L' } }, password: PASSWORD }] }
  })
  t.teardown(async () => await emu.close())
  emulatorUrl = emu.url
  const app = await readyTestApp(t, oryConfig(ory.url, otelEnv(collector)))
  const browser = new Browser(app)

  const flow = (await browser.json('GET', '/.ory/self-service/login/browser')).json()
  const login = await browser.json('POST', `/.ory/self-service/login?flow=${flow.id as string}`, {
    csrf_token: csrfToken(flow), identifier: 'ada@example.com', password: PASSWORD, method: 'password'
  })
  t.equal(login.statusCode, 200)
  t.ok(browser.jar.get('ory_kratos_session'), 'signed in')
  const atOry = ory.requests.find(req => req.method === 'POST' && req.url.startsWith('/self-service/login?'))!
  const sent = parseTraceparent(atOry.headers.traceparent)
  await app.close()

  const request = spanNamed(collector.spans, 'POST /.ory/self-service/login')
  t.equal(request.kind, 2, 'the request span is a server span')
  t.equal(request.parentSpanId, undefined, 'a new trace')
  t.equal(request.attributes['http.response.status_code'], 200)
  t.equal(request.attributes['url.path'], '/.ory/self-service/login', 'no query string')
  const call = spanNamed(collector.spans, 'ory updateLoginFlow')
  t.equal(call.kind, 3, 'the Ory call is a client span')
  t.equal(call.traceId, request.traceId, 'of the request\'s trace')
  t.equal(call.attributes['ory.operation_id'], 'updateLoginFlow')
  t.equal(call.attributes['http.request.method'], 'POST')
  t.equal(call.attributes['http.response.status_code'], 200)
  t.equal(call.attributes['error.type'], undefined)
  t.equal(sent.traceId, request.traceId, 'Ory got the request\'s trace id')
  t.equal(sent.parentId, call.spanId, 'and the call span as its parent')
  t.equal(sent.flags, '01', 'sampled')
  // The call span descends from the request span (through @fastify/otel's handler span).
  const byId = new Map(collector.spans.map(span => [span.spanId, span]))
  let ancestor = byId.get(call.parentSpanId ?? '')
  for (let hops = 0; ancestor !== undefined && ancestor !== request && hops < 10; hops++) ancestor = byId.get(ancestor.parentSpanId ?? '')
  t.equal(ancestor, request, 'the Ory call span is inside the request span')

  // The flow's creation: a span of its own request and trace.
  const create = spanNamed(collector.spans, 'ory createBrowserLoginFlow')
  t.not(create.traceId, request.traceId)
  t.equal(create.attributes['http.response.status_code'], 200)
})
