import t from 'tap'
import { buildTestApp, captureLogs } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { startFakeOry } from '../../helpers/fake-ory.js'

t.test('one JSON line per request with request id, method, route, status and duration; health and metrics stay off the info log', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const logs = captureLogs()
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url, LOG_LEVEL: 'info' }), { logStream: logs.stream })

  await app.inject({ url: '/openapi.json?x=1', headers: { 'x-request-id': 'doc-1' } })
  await app.inject({ url: '/no/such/route', headers: { 'x-request-id': 'missing-1' } })
  for (const url of ['/health/alive', '/health/ready', '/metrics']) await app.inject({ url, headers: { 'x-request-id': 'quiet' } })

  const access = logs.lines().filter(line => line.msg === 'request completed')
  t.equal(access.length, 2, 'two lines at info: the health and metrics requests are not among them')
  t.match(access[0], { level: 'info', requestId: 'doc-1', method: 'GET', path: '/openapi.json', route: '/openapi.json', status: 200 })
  t.type(access[0]?.durationMs, 'number')
  t.match(access[1], { level: 'info', requestId: 'missing-1', method: 'GET', path: '/no/such/route', route: null, status: 404 })
  t.notOk(logs.lines().some(line => line.requestId === 'quiet'), 'nothing at all for health and metrics at info')
  t.equal(logs.lines().filter(line => line.requestId === 'missing-1').length, 1, 'a 404 is one line, not two')
})

t.test('at debug level the health and metrics requests are logged too', async t => {
  const logs = captureLogs()
  const app = buildTestApp(t, testConfig({ LOG_LEVEL: 'debug' }), { logStream: logs.stream })
  await app.inject({ url: '/health/alive' })
  await app.inject({ url: '/metrics' })
  const access = logs.lines().filter(line => line.msg === 'request completed')
  t.match(access, [{ level: 'debug', route: '/health/alive', status: 200 }, { level: 'debug', route: '/metrics', status: 200 }])
})
