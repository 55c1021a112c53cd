import t from 'tap'
import type { OryClient } from '../../../src/ory/client.js'
import { sessionCookieChange } from '../../../src/plugins/session.js'
import { SessionChecker } from '../../../src/session/checker.js'
import { InProcessSessionStore } from '../../../src/session/cache.js'
import { EvictionLog } from '../../../src/session/evictions.js'
import { isSessionCookieName, sessionCredentials } from '../../../src/session/key.js'

// What an eviction voids (only what it names, and only calls begun before it), how Ory's Set-Cookie tells a logout
// or a login that took place, and a check that joined a call begun before an eviction of its session.

t.test('the eviction log voids only what an eviction names, and only calls begun before it', async t => {
  const log = new EvictionLog({ windowMs: 60_000 })
  const before = log.start()
  log.recordKey('k1')
  log.recordSession('s1')
  log.recordIdentity('i1', 'k-spared')
  const after = log.start()
  t.ok(log.evicted(before, 'k1', undefined, undefined), 'its key')
  t.ok(log.evicted(before, 'k2', 's1', undefined), 'its session under another key')
  t.ok(log.evicted(before, 'k2', 's2', 'i1'), 'its identity')
  t.notOk(log.evicted(before, 'k-spared', 's2', 'i1'), 'the key the identity\'s eviction spared')
  t.notOk(log.evicted(before, 'k2', 's2', 'i2'), 'another key, session and identity')
  t.notOk(log.evicted(after, 'k1', 's1', 'i1'), 'a call begun after the evictions')
  t.notOk(log.evicted(before, 'k1', undefined, undefined, before.seq), 'an eviction after `until`')
  log.recordIdentity('i1', 'k-other')
  t.ok(log.evicted(after, 'k-spared', 's2', 'i1'), 'two evictions of an identity from two keys spare neither')

  const owned = new EvictionLog({ windowMs: 60_000 })
  const start = owned.start()
  owned.recordSession('s9', 'i-owner')
  t.ok(owned.evicted(start, 'k9', 's9', 'i-owner'), 'a revocation by its owner voids the owner\'s answers of that session')
  t.notOk(owned.evicted(start, 'k9', 's9', 'i-other'), 'and nobody else\'s')
  owned.recordSession('s9', 'i-other')
  t.ok(owned.evicted(start, 'k9', 's9', 'i-third'), 'two owners named for one session: it holds for every answer')

  const small = new EvictionLog({ windowMs: 60_000, max: 2 })
  const early = small.start()
  small.recordKey('a')
  const middle = small.start()
  small.recordKey('b')
  small.recordKey('c')
  t.ok(small.evicted(early, 'z', undefined, undefined), 'a call begun before a forgotten eviction is treated as evicted')
  t.notOk(small.evicted(middle, 'z', undefined, undefined), 'a later one is not')

  const short = new EvictionLog({ windowMs: 0 })
  t.ok(short.evicted(short.start(), 'z', undefined, undefined), 'a call out longer than the window is treated as evicted')
})

t.test('Set-Cookie: a session cookie set, cleared, or neither', async t => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  const change = (lines: string[]): string | undefined => sessionCookieChange(lines, isSessionCookieName, now)
  t.equal(change(['ory_kratos_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; HttpOnly']), 'cleared', 'Kratos\'s purge')
  t.equal(change(['ory_kratos_session=abc; Path=/; Max-Age=0']), 'cleared')
  t.equal(change(['ory_session_slug=abc; Path=/; Expires=Wed, 31 Dec 2025 00:00:00 GMT']), 'cleared', 'expired')
  t.equal(change(['ory_kratos_session=abc; Path=/; Max-Age=86400; HttpOnly']), 'set')
  t.equal(change(['ory_session_slug=abc; Path=/; Expires=Fri, 02 Jan 2026 00:00:00 GMT']), 'set')
  t.equal(change(['csrf_token_x=abc; Path=/', 'theme=dark']), undefined, 'not a session cookie')
  t.equal(change([]), undefined)
  t.equal(change(['ory_kratos_session=; Max-Age=0', 'ory_kratos_session=new; Max-Age=600']), 'set', 'cleared then set: a new session')
})

t.test('a check that joined a call begun before an eviction of its session asks again, once', async t => {
  let calls = 0
  const pending: Array<() => void> = []
  const client = {
    call: async () => {
      const n = ++calls
      await new Promise<void>(resolve => pending.push(resolve))
      return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ id: 's1', active: true, identity: { id: 'i1' }, n })) }
    }
  } as unknown as OryClient
  const store = new InProcessSessionStore({ max: 10, maxBytes: 1 << 20 })
  t.teardown(() => store.close())
  const checker = new SessionChecker({ store, ttlMs: 60_000, maxResponseBytes: 1 << 20 })
  const credentials = sessionCredentials({ cookie: 'ory_kratos_session=a' })!
  const other = sessionCredentials({ cookie: 'ory_kratos_session=b' })!

  const first = checker.lookup(credentials, client)
  await new Promise(setImmediate)
  // The same session under another key (a re-issued cookie), evicted while the first call is out.
  await checker.evictSession('s1')
  const joined = checker.lookup(credentials, client)
  const otherKey = checker.lookup(other, client)
  await new Promise(setImmediate)
  t.equal(calls, 2, 'the other key has a call of its own')
  pending.shift()!()
  t.equal(((await first).session as { n?: number }).n, 1, 'the check begun before the eviction gets the answer')
  await new Promise(setImmediate)
  t.equal(calls, 3, 'the check that joined after the eviction asks again')
  pending.shift()!()
  pending.shift()!()
  t.equal(((await joined).session as { n?: number }).n, 3)
  await otherKey
  t.equal(store.size, 2, 'the answers got after the eviction are kept, under both keys; the one from before is not')
  t.equal(((await checker.lookup(credentials, client)).session as { n?: number }).n, 3)
})
