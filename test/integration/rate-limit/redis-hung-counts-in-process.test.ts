import t from 'tap'
import { startRedis } from '../../helpers/redis.js'
import { ADA_EMAIL, assertLimited, limitedMirror, loginForm, WRONG_PASSWORD } from '../../helpers/rate-limit.js'

// A Redis that keeps its connections but answers nothing (a hung server, a partition): the count that waited fails
// after the client's command timeout and is counted in-process, and the process does not ask Redis again for a
// moment, so the requests after it do not wait. Nothing answers 5xx; the limit holds.
t.test('with Redis hung, a submit waits at most the command timeout once, and the limit holds in-process', async t => {
  const redis = await startRedis(t)
  const { app } = await limitedMirror(t, { REDIS_URL: redis.url, RATE_LIMIT_IDENTIFIER_MAX: '3' })
  const form = await loginForm(app)
  redis.freeze()
  t.teardown(() => redis.thaw())

  const first = await form.submit(ADA_EMAIL, WRONG_PASSWORD)
  t.equal(first.statusCode, 400, 'answered by Ory after the count fell back')
  t.equal(app.rateLimits.shared, false, 'not shared while Redis does not answer')
  const started = performance.now()
  const statuses = [first.statusCode]
  for (let i = 0; i < 4; i++) statuses.push((await form.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode)
  t.same(statuses, [400, 400, 400, 429, 429])
  t.ok(performance.now() - started < 1_000, 'the next submits do not wait for Redis')
  assertLimited(t, await form.submit(ADA_EMAIL, WRONG_PASSWORD), 'identifier')
})
