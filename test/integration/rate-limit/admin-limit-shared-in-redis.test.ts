import t from 'tap'
import { ADA, ADMIN_TUPLE, adminApp, adminCall, KETO_POLICY, signIn } from '../../helpers/admin.js'
import { readyTestApp } from '../../helpers/app.js'
import { dump, startRedis } from '../../helpers/redis.js'
import { Browser } from '../../helpers/mirror.js'

// ADMIN_RATE_LIMIT counts an identity's calls in the rate limits' store: with REDIS_URL, over every replica.
t.test('an identity\'s admin calls are counted together on two replicas sharing Redis', async t => {
  const redis = await startRedis(t)
  const { app: a, config } = await adminApp(t, { env: { ...KETO_POLICY, REDIS_URL: redis.url, ADMIN_RATE_LIMIT: '3' }, tuples: [ADMIN_TUPLE] })
  const b = await readyTestApp(t, config)
  const atA = await signIn(t, a, ADA)
  // The same browser (its Ory session cookie) on the other replica.
  const atB = new Browser(b)
  atB.jar.store(atA.jar.header().split('; '))

  t.equal((await adminCall(atA, 'GET', '/api/admin/version')).statusCode, 200)
  t.equal((await adminCall(atB, 'GET', '/api/admin/version')).statusCode, 200)
  t.equal((await adminCall(atA, 'GET', '/api/admin/version')).statusCode, 200)
  const limited = await adminCall(atB, 'GET', '/api/admin/version')
  t.equal(limited.statusCode, 429, 'the fourth call, on the other replica')
  t.match(limited.json(), { error: { code: 429, status: 'Too Many Requests', id: 'admin_rate_limited' } })
  t.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60)
  t.same([...(await dump(a.redis!)).entries()].filter(([key]) => key.includes(':admin:')), [[`ory-bff:rate-limit:admin:${ADA.id}`, '4']])
})
