import t from 'tap'
import { readyTestApp } from '../../helpers/app.js'
import { NO_LOAD_SHEDDING, oryConfig } from '../../helpers/config.js'
import { until } from '../../helpers/oauth2-redis.js'
import { startRedis } from '../../helpers/redis.js'
import { startSharedOry } from '../../helpers/shared-ory.js'

// A replica started while Redis is down starts anyway, ready and uncached (it cannot hear the others yet), and
// subscribes and caches by itself once Redis comes up, without a restart.

t.test('Redis down at start: ready, uncached; Redis up: subscribed and cached', async t => {
  const redis = await startRedis(t)
  await redis.stop()
  const { emu, whoamiCalls } = await startSharedOry(t)
  const app = await readyTestApp(t, oryConfig(emu.url, { ...NO_LOAD_SHEDDING, SESSION_CACHE_TTL_MS: '3600000', REDIS_URL: redis.url }))
  t.equal(app.sessionFanout?.subscribed, false, 'not subscribed')
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200, 'ready for what needs no Redis')
  t.match(ready.json(), { degraded: Array, redis: { connected: false, fanout: { subscribed: false } } })

  const token = await app.inject({
    method: 'GET',
    url: '/.ory/self-service/registration/api',
    headers: { accept: 'application/json' }
  })
  const flow = token.json() as { id: string }
  const signedUp = await app.inject({
    method: 'POST',
    url: `/.ory/self-service/registration?flow=${flow.id}`,
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    payload: { method: 'password', password: 'correct horse battery staple', traits: { email: 'ada@example.com' } }
  })
  t.equal(signedUp.statusCode, 200, 'signed up through the mirror')
  const headers = { 'x-session-token': signedUp.json().session_token as string }
  const before = whoamiCalls()
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode, 200)
  t.equal(whoamiCalls(), before + 2, 'uncached while the other replicas cannot be heard')

  await redis.restart()
  await until('subscribed once Redis is up', () => app.sessionFanout?.subscribed === true, { attempts: 200, intervalMs: 25 })
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode, 200)
  const cached = whoamiCalls()
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode, 200)
  t.equal(whoamiCalls(), cached, 'cached once it hears them')
  await until('nothing degraded', async () => (await app.readiness.refresh()).degraded === undefined, { attempts: 100, intervalMs: 50 })
})
