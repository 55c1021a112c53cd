import t from 'tap'
import { PermissionCache } from '../../../src/permissions/cache.js'

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
