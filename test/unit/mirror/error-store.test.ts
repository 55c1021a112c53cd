import t from 'tap'
import { ERROR_STORE_MAX_AGE_MS, ERROR_STORE_MAX_BYTES, ERROR_STORE_MAX_ENTRIES, ERROR_STORE_MAX_ENTRY_BYTES, FlowErrorStore } from '../../../src/mirror/error-store.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

function refusal (n: number): Record<string, unknown> {
  return { code: 400, status: 'Bad Request', message: `refusal ${n}` }
}

t.test('an error is kept under a random UUID and read back as Kratos\'s flowError', async t => {
  let now = Date.parse('2026-01-02T03:04:05.000Z')
  const store = new FlowErrorStore({ now: () => now })
  const id = store.add(refusal(1))
  t.match(id, UUID)
  t.not(store.add(refusal(1)), id, 'one id per error')
  now += 1000
  t.same(store.get(id), { id, error: refusal(1), created_at: '2026-01-02T03:04:05.000Z', updated_at: '2026-01-02T03:04:05.000Z' })
  t.equal(store.get('not-an-id'), undefined)
  t.equal(store.get('00000000-0000-4000-8000-000000000000'), undefined)
})

t.test('the store is bounded by count: the oldest go first', async t => {
  const store = new FlowErrorStore({ maxEntries: 3 })
  const ids = [1, 2, 3, 4, 5].map(n => store.add(refusal(n)))
  t.equal(store.size, 3)
  t.equal(store.get(ids[0]!), undefined)
  t.equal(store.get(ids[1]!), undefined)
  t.equal(store.get(ids[4]!)?.error.message, 'refusal 5')
})

t.test('the store is bounded by age', async t => {
  let now = 0
  const store = new FlowErrorStore({ maxAgeMs: 1000, now: () => now })
  const id = store.add(refusal(1))
  now = 999
  t.ok(store.get(id))
  now = 1001
  t.equal(store.get(id), undefined)
})

t.test('an error too large to keep whole is kept without its details, its reason cut', async t => {
  const store = new FlowErrorStore()
  const issues = Array.from({ length: 2000 }, (_, i) => ({ in: 'body', path: `/field${i}`, message: 'Expected string' }))
  const id = store.add({ code: 400, status: 'Bad Request', message: 'invalid', reason: 'x'.repeat(100_000), details: { errors: issues } })
  const kept = store.get(id)!
  t.equal(kept.error.details, undefined)
  t.equal(kept.error.message, 'invalid')
  t.ok(JSON.stringify(kept.error).length <= ERROR_STORE_MAX_ENTRY_BYTES)
  t.match(String(kept.error.reason), /\.\.\.$/)
})

t.test('the documented bounds', async t => {
  t.equal(ERROR_STORE_MAX_ENTRIES, 10_000)
  t.equal(ERROR_STORE_MAX_AGE_MS, 10 * 60_000)
  t.equal(ERROR_STORE_MAX_ENTRY_BYTES, 4 * 1024)
  t.equal(ERROR_STORE_MAX_BYTES, 8 * 1024 * 1024)
})

t.test('the store is bounded by size', async t => {
  const store = new FlowErrorStore({ maxBytes: 2000 })
  const ids = [1, 2, 3, 4, 5].map(n => store.add({ ...refusal(n), reason: 'r'.repeat(500) }))
  t.ok(store.size < 5)
  t.equal(store.get(ids[0]!), undefined)
  t.ok(store.get(ids[4]!))
})
