import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { startFakeOry } from '../../helpers/fake-ory.js'

t.test('GET /health/alive answers 200 {"status":"ok"} without calling the upstream', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url }))
  await app.ready()
  // The one start-up probe; the background interval (5 min here) adds no other.
  await app.readiness.current()
  const before = ory.requests.length
  t.equal(before, 1)

  for (let i = 0; i < 20; i++) {
    const res = await app.inject({ url: '/health/alive' })
    t.equal(res.statusCode, 200)
    t.same(res.json(), { status: 'ok' })
    t.equal(res.headers['cache-control'], 'no-store')
  }
  t.equal(ory.requests.length, before, 'no upstream call')
})

t.test('GET /health/alive answers 200 while the upstream is unreachable', async t => {
  const ory = await startFakeOry()
  const url = ory.url
  await ory.close()
  const app = buildTestApp(t, testConfig({ ORY_URL: url }))
  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 503)
  const res = await app.inject({ url: '/health/alive' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})
