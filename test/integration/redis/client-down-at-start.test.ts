import t from 'tap'
import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { RedisClient } from '../../../src/redis/client.js'
import { startRedis } from '../../helpers/redis.js'

// A BFF whose Redis is down when it starts: connect() answers false instead of throwing (the process keeps running
// and reports not ready), commands fail at once instead of queueing, the client reconnects by itself once Redis is
// up, and close() never waits long.

t.test('Redis down at start: no crash, fast failures, reconnects by itself, closes quickly', async t => {
  const server = await startRedis(t)
  await server.stop()
  const logs: Array<[string, string]> = []
  const client = new RedisClient({ url: server.url, log: (level, message) => { logs.push([level, message]) }, commandTimeoutMs: 300, maxReconnectDelayMs: 100 })
  t.teardown(async () => await client.close())
  t.equal(await client.connect(), false)
  t.equal(client.ready, false)
  t.equal(await client.ping(), false)
  const started = performance.now()
  await t.rejects(client.redis.get(client.key('x')), 'a command fails instead of waiting in a queue')
  t.ok(performance.now() - started < 100, 'at once')
  t.match(logs, [['error', /unreachable/]], 'logged once')

  await server.restart()
  if (!client.ready) await once(client.redis, 'ready')
  t.equal(await client.ping(), true)
  t.equal(client.key('session', 'abc'), 'ory-bff:session:abc')
  t.match(logs.at(-1), ['info', /reachable again/])

  const closing = performance.now()
  await client.close()
  t.ok(performance.now() - closing < 1500, 'close is bounded')
  t.equal(client.redis.status, 'end')
  await client.close()
})
