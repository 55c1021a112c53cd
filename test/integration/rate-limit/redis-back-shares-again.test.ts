import t from 'tap'
import { dump, startRedis } from '../../helpers/redis.js'
import { ADA_EMAIL, limitedMirror, logged, loginForm, metric, redisEvent, WRONG_PASSWORD } from '../../helpers/rate-limit.js'

// After an outage the replica goes back to the shared counts by itself, as soon as the connection is back.
t.test('once Redis is back, the counts are in Redis again, shared by every replica', async t => {
  const redis = await startRedis(t)
  const { app, logs } = await limitedMirror(t, { REDIS_URL: redis.url, RATE_LIMIT_IDENTIFIER_MAX: '3' })
  const form = await loginForm(app)

  const closed = redisEvent(app.redis!.redis, 'close')
  await redis.kill()
  await closed
  t.equal((await form.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode, 400, 'counted in-process meanwhile')
  t.equal(app.rateLimits.shared, false)

  const ready = redisEvent(app.redis!.redis, 'ready')
  await redis.restart()
  await ready
  t.equal(app.rateLimits.shared, true, 'shared again')
  t.equal(await metric(app, 'ory_bff_rate_limit_shared'), 1)

  t.equal((await form.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode, 400)
  const counts = [...(await dump(app.redis!)).entries()].filter(([key]) => key.startsWith('ory-bff:rate-limit:identifier:'))
  t.same(counts.map(([, count]) => count), ['1'], 'the submit is counted in Redis (which restarted empty)')
  t.equal(logged(logs, /counted in Redis again/).length, 1, 'the return is logged once')
})
