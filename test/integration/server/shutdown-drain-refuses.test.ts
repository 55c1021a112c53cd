import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { startFakeOry } from '../../helpers/fake-ory.js'

t.test('once draining has begun, readiness fails at once and new requests get 503 in Ory\'s shape with Connection: close', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url }))
  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 200, 'ready before')

  app.lifecycle.drain()
  t.equal(app.lifecycle.draining, true)
  for (const url of ['/health/ready', '/health/alive', '/openapi.json']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 503, `${url}: 503`)
    t.equal(res.headers.connection, 'close', 'the client is told to go elsewhere')
    t.equal(res.headers['retry-after'], '1')
    const body = res.json()
    t.equal(body.error.id, 'shutting_down')
    t.equal(body.error.code, 503)
    t.equal(body.error.request, res.headers['x-request-id'])
  }
  t.equal(ory.requests.length, 1, 'no probe is made for a draining server')
})
