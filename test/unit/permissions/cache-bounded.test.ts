import t from 'tap'
import { PermissionCache } from '../../../src/permissions/cache.js'

const tuple = (object: string) => ({ namespace: 'Document', object, relation: 'view' })

t.test('the cache never holds more than PERMISSION_CACHE_MAX answers; the least recently used goes first', async t => {
  const cache = new PermissionCache({ ttlMs: 60_000, max: 3 })
  for (const object of ['a', 'b', 'c']) cache.set('ada', tuple(object), true)
  t.equal(cache.get('ada', tuple('a')), true, 'reading a makes b the least recently used')
  cache.set('ada', tuple('d'), false)
  t.equal(cache.size, 3)
  t.equal(cache.get('ada', tuple('b')), undefined, 'b was dropped')
  t.equal(cache.get('ada', tuple('a')), true)
  t.equal(cache.get('ada', tuple('c')), true)
  t.equal(cache.get('ada', tuple('d')), false)

  for (let i = 0; i < 1_000; i++) cache.set(`user-${i}`, tuple('x'), true)
  t.equal(cache.size, 3, 'a flood of identities stays within the bound')
})

t.test('a max of 0 turns the cache off', async t => {
  const cache = new PermissionCache({ ttlMs: 60_000, max: 0 })
  t.equal(cache.enabled, false)
  cache.set('ada', tuple('a'), true)
  t.equal(cache.size, 0)
  t.equal(cache.get('ada', tuple('a')), undefined)
})
