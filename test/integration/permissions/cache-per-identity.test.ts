import t from 'tap'
import { ADA, GRACE, permissionsApp, signIn, spaPost, subjectsOf } from '../../helpers/permissions.js'

t.test('with the cache on, an answer is reused only for the same identity and tuple: two users never share one', async t => {
  const { app, ketoCalls } = await permissionsApp(t, {
    env: { PERMISSION_CACHE_TTL_MS: '60000' },
    tuples: [{ namespace: 'Document', object: 'plans', relation: 'view', subject_id: ADA.id }]
  })
  const ada = await signIn(t, app, ADA)
  const grace = await signIn(t, app, GRACE)
  const tuple = { namespace: 'Document', object: 'plans', relation: 'view' }

  t.same((await spaPost(ada, '/api/permissions/check', tuple)).json(), { allowed: true })
  t.same((await spaPost(ada, '/api/permissions/check', tuple)).json(), { allowed: true }, 'from the cache')
  t.equal(ketoCalls().length, 1)

  t.same((await spaPost(grace, '/api/permissions/check', tuple)).json(), { allowed: false }, 'grace does not get ada\'s answer')
  t.same((await spaPost(grace, '/api/permissions/check', tuple)).json(), { allowed: false })
  t.equal(ketoCalls().length, 2)

  // A batch reuses what is cached and asks Keto only about the rest, in one call, and answers in order.
  const batch = await spaPost(grace, '/api/permissions/check/batch', { tuples: [{ ...tuple, relation: 'edit' }, tuple, { ...tuple, object: 'other' }] })
  t.same(batch.json(), { results: [{ allowed: false }, { allowed: false }, { allowed: false }] })
  t.equal(ketoCalls().length, 3)
  const sent = JSON.parse(ketoCalls()[2]!.body).tuples
  t.same(sent.map((s: { object: string, relation: string }) => `${s.object}#${s.relation}`), ['plans#edit', 'other#view'], 'only the misses went to Keto')
  t.same(ketoCalls().flatMap(call => subjectsOf(call)), [ADA.id, GRACE.id, GRACE.id, GRACE.id])

  const adaBatch = await spaPost(ada, '/api/permissions/check/batch', { tuples: [tuple, { ...tuple, relation: 'edit' }] })
  t.same(adaBatch.json(), { results: [{ allowed: true }, { allowed: false }] })
  t.same(subjectsOf(ketoCalls()[3]!), [ADA.id], 'grace\'s cached answer about edit was not used for ada')
})
