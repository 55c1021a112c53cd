import t from 'tap'
import { ADA, GRACE, permissionsApp, signIn, spaPost, subjectsOf } from '../../helpers/permissions.js'

t.test('the subject sent to Keto is the signed-in identity\'s id, and Keto\'s answer is passed on', async t => {
  const { app, ketoCalls } = await permissionsApp(t, {
    tuples: [{ namespace: 'Document', object: 'plans', relation: 'view', subject_id: ADA.id }]
  })
  const ada = await signIn(t, app, ADA)
  const grace = await signIn(t, app, GRACE)
  const tuple = { namespace: 'Document', object: 'plans', relation: 'view' }

  const allowed = await spaPost(ada, '/api/permissions/check', tuple)
  t.equal(allowed.statusCode, 200)
  t.same(allowed.json(), { allowed: true })
  const denied = await spaPost(grace, '/api/permissions/check', tuple)
  t.equal(denied.statusCode, 200)
  t.same(denied.json(), { allowed: false })

  const batch = await spaPost(grace, '/api/permissions/check/batch', { tuples: [tuple, { ...tuple, relation: 'edit' }] })
  t.equal(batch.statusCode, 200)
  t.same(batch.json(), { results: [{ allowed: false }, { allowed: false }] })

  const calls = ketoCalls()
  t.same(calls.map(call => call.url.split('?')[0]), ['/relation-tuples/check/openapi', '/relation-tuples/check/openapi', '/relation-tuples/batch/check'])
  t.same(calls.map(call => subjectsOf(call)), [[ADA.id], [GRACE.id], [GRACE.id, GRACE.id]], 'each check asked about the caller\'s own identity')
  const sent = new URL(calls[0]!.url, 'http://keto').searchParams
  t.same([...sent.keys()].sort(), ['namespace', 'object', 'relation', 'subject_id'], 'no subject set, nothing else')
})
