import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

t.test('under pressure the server sheds load: 503 with Retry-After in Ory\'s error shape; liveness and metrics still answer', async t => {
  // Any heap is over a 1 MB limit: the server is under pressure from the first sample on. The event-loop check is
  // off so that a slow start on a busy machine cannot be the reason instead.
  const app = buildTestApp(t, testConfig({ LOAD_SHED_MAX_HEAP_USED_MB: '1', LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }), { pressureSampleIntervalMs: 50 })
  await app.ready()
  // under-pressure samples on a timer and emits no event; wait for its first sample, bounded.
  for (let i = 0; i < 300 && !app.isUnderPressure(); i++) await sleep(10)
  t.ok(app.isUnderPressure(), 'under pressure')

  for (const url of ['/openapi.json', '/health/ready', '/no/such/route']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 503, `${url}: shed`)
    t.equal(res.headers['retry-after'], '10')
    const body = res.json()
    t.equal(body.error.code, 503)
    t.equal(body.error.id, 'overloaded')
    t.equal(body.error.reason, 'The heap is nearly full.')
    t.equal(body.error.request, res.headers['x-request-id'])
  }
  t.equal((await app.inject({ url: '/health/alive' })).statusCode, 200, 'liveness still answers: restarting would not help')
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 200, 'metrics still answer')
})

t.test('the default heap limit (90 % of V8\'s) leaves a healthy process serving', async t => {
  const app = buildTestApp(t, testConfig({ LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }), { pressureSampleIntervalMs: 50 })
  await app.ready()
  for (let i = 0; i < 300 && app.memoryUsage().heapUsed === 0; i++) await sleep(10)
  t.ok(app.memoryUsage().heapUsed > 0, 'sampled')
  t.equal(app.isUnderPressure(), false)
  t.equal((await app.inject({ url: '/openapi.json' })).statusCode, 200)
})
