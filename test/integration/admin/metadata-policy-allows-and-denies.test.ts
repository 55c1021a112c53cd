import t from 'tap'
import { ADA, adminApp, adminCall, adminRequestsOf, GRACE, signIn } from '../../helpers/admin.js'

t.test('ADMIN_POLICY=metadata_public:roles=admin: an identity whose roles hold "admin" is let in, another gets a 403 and Ory hears nothing', async t => {
  const { app, oryRequests } = await adminApp(t)
  const ada = await signIn(t, app, ADA)
  const grace = await signIn(t, app, GRACE)

  const listed = await adminCall(ada, 'GET', '/api/admin/identities')
  t.equal(listed.statusCode, 200)
  t.same(listed.json().map((identity: { id: string }) => identity.id).sort(), [ADA.id, GRACE.id].sort(), 'Ory\'s answer, as it came')
  t.equal(listed.headers['cache-control'], 'no-store')
  t.equal(adminRequestsOf(oryRequests()).length, 1)

  // GRACE's roles is the string "support": neither equal to "admin" nor an array holding it.
  const before = adminRequestsOf(oryRequests()).length
  const refused = await adminCall(grace, 'GET', '/api/admin/identities')
  t.equal(refused.statusCode, 403)
  t.match(refused.json(), { error: { code: 403, status: 'Forbidden', id: 'admin_forbidden', request: refused.headers['x-request-id'] } })
  t.notMatch(refused.body, /roles|metadata_public/, 'the answer does not say what the policy asks for')
  t.equal(adminRequestsOf(oryRequests()).length, before, 'nothing of the refused call reached Ory')
})
