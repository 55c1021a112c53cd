import t from 'tap'
import { readyTestApp } from '../../helpers/app.js'
import { oryConfig } from '../../helpers/config.js'
import { mirrorOfEmulator } from '../../helpers/mirror.js'
import { dump, startRedis } from '../../helpers/redis.js'
import { ADA_EMAIL, assertLimited, loginForm, seedOf, WRONG_PASSWORD } from '../../helpers/rate-limit.js'

// Two replicas in front of one Ory, with one Redis: a guesser spreading its submits over them gets no more tries than
// against one. What Redis holds names neither the address nor the account in clear.
t.test('two replicas with one REDIS_URL count the same identifier and the same IP together', async t => {
  const redis = await startRedis(t)
  const env = { REDIS_URL: redis.url, RATE_LIMIT_IDENTIFIER_MAX: '4', RATE_LIMIT_IP_MAX: '6' }
  const { app: a, emu } = await mirrorOfEmulator(t, env, { seed: seedOf(ADA_EMAIL) })
  const b = await readyTestApp(t, oryConfig(emu.url, env))
  t.ok(a.rateLimits.shared && b.rateLimits.shared, 'both count in Redis')
  const atA = await loginForm(a)
  const atB = await loginForm(b)

  t.equal((await atA.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode, 400)
  t.equal((await atB.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode, 400)
  t.equal((await atA.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode, 400)
  t.equal((await atB.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode, 400)
  assertLimited(t, await atA.submit(ADA_EMAIL, WRONG_PASSWORD), 'identifier')
  assertLimited(t, await atB.submit(ADA_EMAIL, WRONG_PASSWORD), 'identifier')
  // Six submits from 127.0.0.1 so far, over both replicas: the address's limit too is reached on either.
  assertLimited(t, await atB.submit('someone-else@example.com', WRONG_PASSWORD), 'ip')

  const keys = [...(await dump(a.redis!)).keys()].sort()
  t.same(keys.map(key => key.replace(/:[^:]+$/, ':…')), ['ory-bff:rate-limit:identifier:…', 'ory-bff:rate-limit:ip:…'], 'one key per limit and key, under the client\'s prefix')
  const stored = [...(await dump(a.redis!)).entries()]
  t.same(stored.map(([, count]) => count).sort(), ['6', '7'], 'the shared counts: 6 for the account, 7 for the address')
  t.notOk(keys.some(key => key.includes('ada') || key.includes('example.com')), 'the identifier is hashed')
  t.ok(keys.includes('ory-bff:rate-limit:ip:127.0.0.1'), 'the address is the key of its own limit')
})
