import t from 'tap'
import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { TokenStoreUnavailableError } from '../../../src/oauth2/errors.js'
import { cookiesFrom, redisStore, sampleSession, startRedis } from '../../helpers/redis.js'

// Redis down or hung is a 503, quickly, for every operation, and never "no session" (which would sign the user out);
// the readiness ping says false; once Redis is back, the same store works again without anyone restarting the BFF.

const COMMAND_TIMEOUT_MS = 300
// What "quickly" means here: the command timeout and a generous margin for a loaded test machine, far below a hang.
const BOUND_MS = COMMAND_TIMEOUT_MS + 1500

t.test('Redis killed, then hung: 503 within the command timeout, ping false; back: it works again', async t => {
  const server = await startRedis(t)
  const logs: Array<[string, string]> = []
  const { store, client } = await redisStore(t, server, { commandTimeoutMs: COMMAND_TIMEOUT_MS, log: (level, message) => { logs.push([level, message]) } })
  const session = sampleSession()
  const cookies = cookiesFrom(await store.save(session))
  const loaded = (await store.load(cookies))!

  const operations: Array<[string, () => Promise<unknown>]> = [
    ['load', async () => await store.load(cookies)],
    ['reread', async () => await store.reread(loaded)],
    ['save', async () => await store.save(session, loaded)],
    ['save new', async () => await store.save(sampleSession())],
    ['delete', async () => await store.delete(loaded, cookies)],
    ['endSessions', async () => await store.endSessions({ sub: session.sub })],
    ['rememberJti', async () => await store.rememberJti('jti', Math.floor(Date.now() / 1000) + 60)],
    ['exclusive', async () => await store.exclusive(session.id, async () => session, async () => 'refreshed')]
  ]
  const allUnavailable = async (when: string): Promise<void> => {
    for (const [name, operation] of operations) {
      const started = performance.now()
      const err = await operation().then(() => undefined, (error: unknown) => error)
      const elapsed = performance.now() - started
      t.type(err, TokenStoreUnavailableError, `${when}: ${name} → 503`)
      t.equal((err as TokenStoreUnavailableError | undefined)?.statusCode, 503)
      t.ok(elapsed < BOUND_MS, `${when}: ${name} answered in ${Math.round(elapsed)} ms`)
    }
    const started = performance.now()
    t.equal(await store.ping(), false, `${when}: ping`)
    t.ok(performance.now() - started < BOUND_MS, `${when}: ping answered quickly`)
  }

  await server.kill()
  await allUnavailable('killed')

  await server.restart()
  if (!client.ready) await once(client.redis, 'ready')
  t.equal(await store.ping(), true, 'back: ping')
  // Nothing was persisted: the old session is gone (401), a new one works.
  await t.rejects(store.load(cookies), { name: 'TokenSessionInvalidError' })
  const again = sampleSession()
  t.same((await store.load(cookiesFrom(await store.save(again))))?.session, again, 'back: save and load')

  server.freeze()
  await allUnavailable('hung')
  server.thaw()
  if (!client.ready) await once(client.redis, 'ready')
  t.equal(await store.ping(), true, 'thawed: ping')
  t.ok(logs.some(([level, message]) => level !== 'debug' && /Redis/.test(message)), 'the outage was logged')
  for (const [, message] of logs) t.notMatch(message, /TOKEN-|secret/, 'no secret in the logs')
})
