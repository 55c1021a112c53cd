import t from 'tap'
import { otelEnv, spanNamed, startOtlpReceiver } from '../../helpers/otlp.js'
import { assertNoSecretsLogged, withProxy } from '../../helpers/proxy.js'

// Security regression: spans leave the BFF for a tracing backend that more people can read than the BFF's secrets
// were meant for. No cookie, Authorization, session token, API key, token in a query string or JWT may be in a span
// (names, attributes, events, resource), and the collector's own API key reaches the collector, never a log line.

const COLLECTOR_KEY = 'collector-key-5c1b7e2a9d'
const ORY_KEY = 'ory_pat_project_key_81f0d2'

t.test('spans carry no cookies, credentials, session tokens, API keys or query strings', async t => {
  const collector = await startOtlpReceiver()
  t.teardown(collector.close)
  const { app, ory, logs, api } = await withProxy(t, {
    env: otelEnv(collector, { OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${COLLECTOR_KEY}`, ORY_API_KEY: ORY_KEY, LOG_LEVEL: 'trace' })
  })
  const cookie = ory.signIn('ada')
  const whoami = await app.inject({
    method: 'GET',
    url: '/.ory/sessions/whoami?token=query-secret-7f3a',
    headers: { cookie: `${cookie}; app_secret=app-cookie-secret-19ad`, authorization: 'Bearer browser-bearer-secret-2b', 'x-session-token': 'ory_st_session-token-secret-44' }
  })
  t.equal(whoami.statusCode, 200)
  const proxied = await app.inject({
    method: 'GET',
    url: '/api/proxy/orders/items?access_token=query-secret-8e21',
    headers: { cookie, 'x-csrf': '1', authorization: 'Bearer browser-bearer-secret-2b' }
  })
  t.equal(proxied.statusCode, 200)
  t.match(api.requests[0]?.headers.authorization, /^Bearer ey/, 'the API got the session\'s JWT')
  await app.close()

  t.ok(collector.exports.length > 0, 'spans were exported')
  for (const sent of collector.exports) t.equal(sent.headers['x-api-key'], COLLECTOR_KEY, 'the collector got its key')
  // The spans that could have held them were made.
  const mirrored = spanNamed(collector.spans, /^GET \/\.ory\/sessions\/whoami/)
  t.equal(mirrored.attributes['url.path'], '/.ory/sessions/whoami')
  spanNamed(collector.spans, 'ory toSession')
  spanNamed(collector.spans, 'api orders')

  const secrets = [
    cookie.split('=')[1]!, 'app-cookie-secret-19ad', 'browser-bearer-secret-2b', 'session-token-secret-44', 'query-secret-7f3a',
    'query-secret-8e21', ORY_KEY, COLLECTOR_KEY, ...ory.issued
  ]
  const exported = collector.exports.map(sent => sent.body).join('\n')
  for (const secret of secrets) t.notOk(exported.includes(secret), `${secret.slice(0, 12)}… is in no span`)
  t.notOk(/cookie|authorization|session-token|x-api-key/i.test(exported), 'no header of credentials is named in a span')
  assertNoSecretsLogged(t, logs, [COLLECTOR_KEY])
})
