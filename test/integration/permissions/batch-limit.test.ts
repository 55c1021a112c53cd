import t from 'tap'
import { ADA, permissionsApp, signIn, spaPost } from '../../helpers/permissions.js'

const tuple = (i: number) => ({ namespace: 'Document', object: `doc-${i}`, relation: 'view' })

t.test('a batch holds at most PERMISSION_BATCH_MAX tuples (default 10, Keto\'s own limit), answered in order', async t => {
  const { app, ketoCalls } = await permissionsApp(t, {
    tuples: [{ namespace: 'Document', object: 'doc-3', relation: 'view', subject_id: ADA.id }]
  })
  const ada = await signIn(t, app, ADA)

  const full = await spaPost(ada, '/api/permissions/check/batch', { tuples: Array.from({ length: 10 }, (_, i) => tuple(i)) })
  t.equal(full.statusCode, 200)
  t.same(full.json().results.map((r: { allowed: boolean }) => r.allowed), [false, false, false, true, false, false, false, false, false, false])
  t.equal(ketoCalls().length, 1, 'one call to Keto for the whole batch')

  const tooMany = await spaPost(ada, '/api/permissions/check/batch', { tuples: Array.from({ length: 11 }, (_, i) => tuple(i)) })
  t.equal(tooMany.statusCode, 400)
  t.match(tooMany.json().error.details.errors, [{ in: 'body', path: '/tuples', message: /10/ }])
  t.equal(ketoCalls().length, 1, 'an oversized batch never reaches Keto')

  const empty = await spaPost(ada, '/api/permissions/check/batch', { tuples: [] })
  t.equal(empty.statusCode, 200)
  t.same(empty.json(), { results: [] })
  t.equal(ketoCalls().length, 1, 'an empty batch needs no call')
})

t.test('PERMISSION_BATCH_MAX sets the limit', async t => {
  const { app, ketoCalls } = await permissionsApp(t, { env: { PERMISSION_BATCH_MAX: '2' } })
  const ada = await signIn(t, app, ADA)
  t.equal((await spaPost(ada, '/api/permissions/check/batch', { tuples: [tuple(1), tuple(2)] })).statusCode, 200)
  const res = await spaPost(ada, '/api/permissions/check/batch', { tuples: [tuple(1), tuple(2), tuple(3)] })
  t.equal(res.statusCode, 400)
  t.match(res.json().error.details.errors, [{ path: '/tuples' }])
  t.equal(ketoCalls().length, 1)
})
