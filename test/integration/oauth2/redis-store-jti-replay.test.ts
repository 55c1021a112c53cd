import t from 'tap'
import { createHash } from 'node:crypto'
import { redisStore, startRedis } from '../../helpers/redis.js'

// A logout token is used once (Back-Channel Logout 1.0 §2.6 step 10 suggests remembering its jti): the first
// delivery is new, a replay is not, across every replica sharing Redis, until the token would have expired anyway.

t.test('rememberJti: true the first time, false on a replay; kept until the token expires', async t => {
  const server = await startRedis(t)
  const { store, client } = await redisStore(t, server)
  const { store: otherReplica } = await redisStore(t, server)
  const exp = Math.floor(Date.now() / 1000) + 120
  t.equal(await store.rememberJti('jti-1', exp), true)
  t.equal(await store.rememberJti('jti-1', exp), false, 'a replay')
  t.equal(await otherReplica.rememberJti('jti-1', exp), false, 'a replay at another replica')
  t.equal(await otherReplica.rememberJti('jti-2', exp), true)
  const key = `ory-bff:jti:${createHash('sha256').update('jti-1').digest('base64url')}`
  t.equal(await client.redis.expiretime(key), exp)
  t.equal(await store.rememberJti('jti-3', exp - 1000), true, 'an expiry in the past is still remembered a minute')
  const ttl = await client.redis.ttl(`ory-bff:jti:${createHash('sha256').update('jti-3').digest('base64url')}`)
  t.ok(ttl >= 59 && ttl <= 61, `TTL ${ttl}`)
  t.equal(await store.rememberJti('jti-3', exp), false)
})
