import t from 'tap'
import { PermissionCache } from '../../../src/permissions/cache.js'

t.test('answers are kept per identity and tuple: no two questions share a key', async t => {
  const cache = new PermissionCache({ ttlMs: 60_000, max: 100 })
  cache.set('ada', { namespace: 'Document', object: 'doc', relation: 'view' }, true)
  t.equal(cache.get('grace', { namespace: 'Document', object: 'doc', relation: 'view' }), undefined, 'another identity gets no answer of ada\'s')
  t.equal(cache.get('ada', { namespace: 'Document', object: 'doc', relation: 'edit' }), undefined)
  t.equal(cache.get('ada', { namespace: 'Folder', object: 'doc', relation: 'view' }), undefined)

  // Separators inside the parts cannot make two questions collide.
  cache.set('a', { namespace: 'b:c', object: 'd', relation: 'e' }, true)
  t.equal(cache.get('a', { namespace: 'b', object: 'c:d', relation: 'e' }), undefined)
  cache.set('x","y', { namespace: 'n', object: 'o', relation: 'r' }, true)
  t.equal(cache.get('x', { namespace: 'y', object: 'n', relation: 'o' }), undefined)

  cache.clear('ada')
  t.equal(cache.get('ada', { namespace: 'Document', object: 'doc', relation: 'view' }), undefined, 'clear(subject) forgets that identity')
  t.equal(cache.get('a', { namespace: 'b:c', object: 'd', relation: 'e' }), true, 'and only that one')
})

const tuple = { namespace: 'Document', object: 'doc', relation: 'view' }

t.test('an answer is kept for PERMISSION_CACHE_TTL_MS from when Keto gave it, then asked for again', async t => {
  let now = 1_000
  const cache = new PermissionCache({ ttlMs: 500, max: 10, now: () => now })
  cache.set('ada', tuple, true)
  now += 499
  t.equal(cache.get('ada', tuple), true, 'still fresh')
  now += 1
  t.equal(cache.get('ada', tuple), undefined, 'expired at the TTL')
  t.equal(cache.size, 0, 'an expired answer is dropped when met')
})

t.test('a TTL of 0 (the default) turns the cache off', async t => {
  const cache = new PermissionCache({ ttlMs: 0, max: 10_000 })
  t.equal(cache.enabled, false)
  cache.set('ada', tuple, true)
  t.equal(cache.get('ada', tuple), undefined)
  t.equal(cache.size, 0)
})

const tupleOf = (object: string) => ({ namespace: 'Document', object, relation: 'view' })

t.test('the cache never holds more than PERMISSION_CACHE_MAX answers; the least recently used goes first', async t => {
  const cache = new PermissionCache({ ttlMs: 60_000, max: 3 })
  for (const object of ['a', 'b', 'c']) cache.set('ada', tupleOf(object), true)
  t.equal(cache.get('ada', tupleOf('a')), true, 'reading a makes b the least recently used')
  cache.set('ada', tupleOf('d'), false)
  t.equal(cache.size, 3)
  t.equal(cache.get('ada', tupleOf('b')), undefined, 'b was dropped')
  t.equal(cache.get('ada', tupleOf('a')), true)
  t.equal(cache.get('ada', tupleOf('c')), true)
  t.equal(cache.get('ada', tupleOf('d')), false)

  for (let i = 0; i < 1_000; i++) cache.set(`user-${i}`, tupleOf('x'), true)
  t.equal(cache.size, 3, 'a flood of identities stays within the bound')
})

t.test('a max of 0 turns the cache off', async t => {
  const cache = new PermissionCache({ ttlMs: 60_000, max: 0 })
  t.equal(cache.enabled, false)
  cache.set('ada', tupleOf('a'), true)
  t.equal(cache.size, 0)
  t.equal(cache.get('ada', tupleOf('a')), undefined)
})
