import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { healthy, startFakeOry, type Handler } from '../../helpers/fake-ory.js'

t.test('200 concurrent readiness probes cost at most one upstream call', async t => {
  let release: () => void = () => {}
  const gate = new Promise<void>(resolve => { release = resolve })
  // The upstream holds its answer until every probe is waiting, so that none can be served from a cached result.
  const slow: Handler = (req, res) => { gate.then(() => healthy(req, res)).catch(() => {}) }
  const ory = await startFakeOry(slow)
  t.teardown(ory.close)
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url }))
  await app.ready()

  const answers = Promise.all(Array.from({ length: 200 }, async () => await app.inject({ url: '/health/ready' })))
  await ory.waitForRequests(1)
  release()
  const responses = await answers
  t.ok(responses.every(res => res.statusCode === 200), 'all 200')
  t.ok(ory.requests.length <= 2, `at most 2 upstream calls (made ${ory.requests.length})`)
  t.equal(ory.requests.length, 1, 'in fact one')

  const again = await Promise.all(Array.from({ length: 200 }, async () => await app.inject({ url: '/health/ready' })))
  t.ok(again.every(res => res.statusCode === 200))
  t.equal(ory.requests.length, 1, 'a recent result is served from the cache')
})
