import t from 'tap'
import type { OryClient } from '../../../src/ory/client.js'
import { parseEviction } from '../../../src/plugins/session.js'
import { SessionChecker, type EvictionOrigin, type SessionEviction } from '../../../src/session/checker.js'
import { InProcessSessionStore } from '../../../src/session/cache.js'
import { EvictionLog } from '../../../src/session/evictions.js'
import { sessionCredentials } from '../../../src/session/key.js'

// What the fan-out between replicas relies on: evictions as another replica sends them (and nothing else) are
// accepted, a suspended cache neither answers nor keeps anything, calls begun before a suspension or a resumption keep
// nothing, and only local evictions are handed on.

t.test('parseEviction: the three shapes of an eviction, and nothing else', async t => {
  t.same(parseEviction({ key: 'k' }), { key: 'k' })
  t.same(parseEviction({ sessionId: 's' }), { sessionId: 's' })
  t.same(parseEviction({ sessionId: 's', owner: 'i' }), { sessionId: 's', owner: 'i' })
  t.same(parseEviction({ identityId: 'i' }), { identityId: 'i', exceptKey: undefined })
  t.same(parseEviction({ identityId: 'i', exceptKey: 'k' }), { identityId: 'i', exceptKey: 'k' })
  for (const junk of [null, 'k', 42, [], {}, { key: '' }, { key: 1 }, { key: 'k', sessionId: 's' }, { sessionId: 's', owner: 7 },
    { identityId: 'i', exceptKey: 3 }, { key: 'x'.repeat(513) }, { other: 'k' }, { __proto__: { key: 'k' } }]) {
    t.equal(parseEviction(junk), undefined, `refused: ${JSON.stringify(junk)}`)
  }
})

t.test('recordAll voids every call begun before it, and none begun after', async t => {
  const log = new EvictionLog({ windowMs: 60_000 })
  const before = log.start()
  log.recordAll()
  const after = log.start()
  t.ok(log.evicted(before, 'k', 's', 'i'))
  t.notOk(log.evicted(after, 'k', 's', 'i'))
})

t.test('a suspended checker asks Ory every time and keeps nothing; resumed, it caches again', async t => {
  let calls = 0
  const pending: Array<() => void> = []
  let hold = false
  const client = {
    call: async () => {
      calls++
      if (hold) await new Promise<void>(resolve => pending.push(resolve))
      return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ id: 's1', active: true, identity: { id: 'i1' } })) }
    }
  } as unknown as OryClient
  const store = new InProcessSessionStore({ max: 10, maxBytes: 1 << 20 })
  t.teardown(() => store.close())
  const told: Array<[SessionEviction, EvictionOrigin]> = []
  const checker = new SessionChecker({ store, ttlMs: 60_000, maxResponseBytes: 1 << 20, onEvict: (eviction, origin) => told.push([eviction, origin]) })
  const credentials = sessionCredentials({ cookie: 'ory_kratos_session=a' })!

  await checker.lookup(credentials, client)
  t.equal(store.size, 1, 'cached')
  await checker.suspend()
  t.equal(store.size, 0, 'suspending drops the cache')
  t.ok(checker.suspended)
  await checker.lookup(credentials, client)
  await checker.lookup(credentials, client)
  t.equal(calls, 3, 'every check asks Ory while suspended')
  t.equal(store.size, 0, 'and nothing is kept')
  t.equal(await checker.peek(credentials.key), undefined)

  // A call that began while suspended and ends after the resumption may predate an eviction that was missed.
  hold = true
  const straddling = checker.lookup(credentials, client)
  await new Promise(setImmediate)
  await checker.resume()
  pending.shift()!()
  await straddling
  t.equal(store.size, 0, 'a call begun before the resumption keeps nothing')
  hold = false
  await checker.lookup(credentials, client)
  t.equal(store.size, 1, 'cached again')
  await checker.lookup(credentials, client)
  t.equal(calls, 5, 'and answered from the cache')

  await checker.apply({ sessionId: 's1' }, 'remote')
  t.equal(store.size, 0, 'an eviction from another replica evicts')
  await checker.evictKey('k2')
  t.same(told, [[{ sessionId: 's1' }, 'remote'], [{ key: 'k2' }, 'local']], 'told with where each came from')
})

t.test('a suspension while a resumption is clearing a slow store stands', async t => {
  const inner = new InProcessSessionStore({ max: 10, maxBytes: 1 << 20 })
  t.teardown(() => inner.close())
  // Each clear waits for its own release, oldest first.
  const gates: Array<() => void> = []
  const release = (): void => { gates.shift()!() }
  const store = {
    get: (key: string, now: number) => inner.get(key, now),
    set: (key: string, entry: Parameters<typeof inner.set>[1]) => inner.set(key, entry),
    delete: (key: string) => inner.delete(key),
    deleteSession: (sessionId: string, identityId?: string) => inner.deleteSession(sessionId, identityId),
    deleteIdentity: (identityId: string, exceptKey?: string) => inner.deleteIdentity(identityId, exceptKey),
    clear: async () => {
      await new Promise<void>(resolve => { gates.push(resolve) })
      inner.clear()
    }
  }
  const checker = new SessionChecker({ store, ttlMs: 60_000, maxResponseBytes: 1 << 20 })
  const suspended = checker.suspend()
  release()
  await suspended
  const resumed = checker.resume()
  const again = checker.suspend()
  release()
  await resumed
  release()
  await again
  t.ok(checker.suspended, 'still suspended: the later suspension wins')
  const back = checker.resume()
  release()
  await back
  t.notOk(checker.suspended, 'resumed once nothing suspends it again')
})
