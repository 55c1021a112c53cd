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
