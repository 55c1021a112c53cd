import t from 'tap'
import { startRedis } from '../../helpers/redis.js'
import { ADA_EMAIL, assertLimited, limitedMirror, logged, loginForm, metric, redisEvent, WRONG_PASSWORD } from '../../helpers/rate-limit.js'

// Redis gone: the limits hold in each process (never "no limit"), and no request fails because the counters' store
// is down. The replica says so, once, and its metrics say where it counts.
t.test('with Redis killed, the identifier limit still holds, counted in-process, and nothing answers 5xx', async t => {
  const redis = await startRedis(t)
  const { app, logs } = await limitedMirror(t, { REDIS_URL: redis.url, RATE_LIMIT_IDENTIFIER_MAX: '3' })
  t.equal(app.rateLimits.enabled, true)
  t.equal(app.rateLimits.shared, true)
  t.equal(await metric(app, 'ory_bff_rate_limit_shared'), 1)
  const form = await loginForm(app)

  const closed = redisEvent(app.redis!.redis, 'close')
  await redis.kill()
  await closed
  t.equal(app.rateLimits.shared, false, 'not shared while Redis is away')
  t.equal(await metric(app, 'ory_bff_rate_limit_shared'), 0)

  const statuses = []
  for (let i = 0; i < 6; i++) statuses.push((await form.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode)
  t.same(statuses, [400, 400, 400, 429, 429, 429], 'three reach Ory, the rest are refused in-process')
  assertLimited(t, await form.submit(ADA_EMAIL, WRONG_PASSWORD), 'identifier')
  t.equal(logged(logs, /rate limits are counted in this process/).length, 1, 'the fallback is logged once per outage')
  t.notOk(logs.text().toLowerCase().includes(ADA_EMAIL), 'the identifier is in no log line')
  t.equal(logs.lines().filter(line => line.level === 50 && /rate limit/i.test(String(line.msg))).length, 0, 'no error line per request')
})
