import t from 'tap'
import { ADA, adminApp, adminCall, GRACE, KETO_POLICY, signIn } from '../../helpers/admin.js'

t.test('ADMIN_POLICY=keto:Admin:bff#member: Keto is asked about the signed-in identity itself', async t => {
  const { app, oryRequests } = await adminApp(t, { env: KETO_POLICY })
  const ada = await signIn(t, app, ADA)
  const grace = await signIn(t, app, GRACE)

  const version = await adminCall(ada, 'GET', '/api/admin/version')
  t.equal(version.statusCode, 200)
  t.match(version.json(), { version: String })
  const refused = await adminCall(grace, 'GET', '/api/admin/version')
  t.equal(refused.statusCode, 403)
  t.equal(refused.json().error.id, 'admin_forbidden')

  const checks = oryRequests().filter(request => request.url.startsWith('/relation-tuples/check'))
  t.same(checks.map(request => new URL(request.url, 'http://keto').searchParams.get('subject_id')), [ADA.id, GRACE.id], 'one check per identity, the identity as subject')
  t.ok(checks.every(request => new URL(request.url, 'http://keto').search.includes('namespace=Admin') && request.url.includes('relation=member')))
  t.notOk(oryRequests().some(request => request.url === '/version' && request.headers['x-request-id'] === refused.headers['x-request-id']), 'the refused call never reached Ory')
})
