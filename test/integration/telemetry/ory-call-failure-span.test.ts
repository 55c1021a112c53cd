import t from 'tap'
import { readyTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'
import { otelEnv, spanNamed, startOtlpReceiver } from '../../helpers/otlp.js'
import { json } from '../../helpers/upstream.js'

// A call to Ory that fails is an error span that says how: Ory's status when Ory answered, and the BFF's error code
// (the one its error bodies and metrics use) in `error.type`; no status when Ory could not be reached.

t.test('Ory answering 401: the call span has the status and the error code', async t => {
  const collector = await startOtlpReceiver()
  t.teardown(collector.close)
  const { app } = await mirrorOfUpstream(t, (_req, res) => json(res, 401, { error: { code: 401, status: 'Unauthorized', message: 'no session' } }), otelEnv(collector))
  t.equal((await app.inject({ method: 'GET', url: '/.ory/sessions/whoami', headers: { accept: 'application/json' } })).statusCode, 401)
  await app.close()
  const call = spanNamed(collector.spans, 'ory toSession')
  t.equal(call.attributes['http.response.status_code'], 401)
  t.equal(call.attributes['error.type'], 'ORY_BFF_UPSTREAM_STATUS')
  t.equal(call.statusCode, 2, 'an error span')
})

t.test('Ory unreachable: the call span has the error code and no status', async t => {
  const collector = await startOtlpReceiver()
  t.teardown(collector.close)
  const app = await readyTestApp(t, testConfig(otelEnv(collector)))
  t.equal((await app.inject({ method: 'GET', url: '/.ory/sessions/whoami', headers: { accept: 'application/json' } })).statusCode, 502)
  await app.close()
  const call = spanNamed(collector.spans, 'ory toSession')
  t.equal(call.attributes['http.response.status_code'], undefined)
  t.equal(call.attributes['error.type'], 'ORY_BFF_UPSTREAM_UNAVAILABLE')
  t.equal(call.statusCode, 2)
  const request = spanNamed(collector.spans, 'GET /.ory/sessions/whoami')
  t.equal(request.attributes['http.response.status_code'], 502)
  t.equal(request.statusCode, 2, 'a 5xx answer is an error of the request span')
})
