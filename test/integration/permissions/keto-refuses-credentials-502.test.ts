import t from 'tap'
import { ADA, permissionsApp, signIn, spaPost } from '../../helpers/permissions.js'

t.test('Keto refusing the BFF\'s API key is a 502 for the operator, not a 401 the SPA would take for "signed out"', async t => {
  const { app, ketoCalls } = await permissionsApp(t, { apiKey: 'ory_pat_right', bffApiKey: 'ory_pat_wrong' })
  const ada = await signIn(t, app, ADA)
  const res = await spaPost(ada, '/api/permissions/check', { namespace: 'Document', object: 'plans', relation: 'view' })
  t.equal(res.statusCode, 502)
  t.equal(res.json().error.id, 'upstream_status')
  t.match(res.json().error.reason, /ORY_API_KEY/)
  t.notMatch(res.body, /ory_pat/, 'no key in the answer')
  t.equal(ketoCalls().length, 1)
  t.match(ketoCalls()[0]!.headers.authorization, /^Bearer ory_pat_wrong$/, 'the key was sent to Keto')
})

t.test('with the right API key the check goes through', async t => {
  const { app } = await permissionsApp(t, {
    apiKey: 'ory_pat_right',
    bffApiKey: 'ory_pat_right',
    tuples: [{ namespace: 'Document', object: 'plans', relation: 'view', subject_id: ADA.id }]
  })
  const ada = await signIn(t, app, ADA)
  const res = await spaPost(ada, '/api/permissions/check', { namespace: 'Document', object: 'plans', relation: 'view' })
  t.same(res.json(), { allowed: true })
})
