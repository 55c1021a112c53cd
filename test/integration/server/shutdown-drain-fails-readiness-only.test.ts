import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { startFakeOry } from '../../helpers/fake-ory.js'

t.test('once draining has begun, readiness fails at once in Ory\'s shape, and other requests are answered as usual with Connection: close', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url }))
  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 200, 'ready before')

  app.lifecycle.drain()
  t.equal(app.lifecycle.draining, true)
  t.equal(app.lifecycle.closing, false, 'not closing yet: the server still accepts connections')

  const ready = await app.inject({ url: '/health/ready' })
  t.equal(ready.statusCode, 503, 'readiness: 503')
  t.equal(ready.headers['retry-after'], '1')
  const body = ready.json()
  t.equal(body.error.id, 'shutting_down')
  t.equal(body.error.code, 503)
  t.equal(body.error.request, ready.headers['x-request-id'])
  t.equal(ready.headers.connection, 'close')

  for (const url of ['/health/alive', '/openapi.json']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, `${url}: answered as usual`)
    t.equal(res.headers.connection, 'close', `${url}: the client opens its next connection elsewhere`)
  }
  t.equal(ory.requests.length, 1, 'no probe is made for a draining server')
})
