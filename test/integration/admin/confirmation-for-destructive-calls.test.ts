import t from 'tap'
import { ADA, adminApp, adminCall, adminRequestsOf, GRACE, signIn } from '../../helpers/admin.js'

t.test('a destructive call needs Ory-Bff-Confirm: <operationId>; without it, or with another id, a 428 and Ory hears nothing', async t => {
  const { app, oryRequests } = await adminApp(t)
  const ada = await signIn(t, app, ADA)
  const url = `/api/admin/identities/${GRACE.id}`

  for (const headers of [{}, { 'ory-bff-confirm': 'deleteIdentitySessions' }, { 'ory-bff-confirm': 'yes' }] as Array<Record<string, string>>) {
    const res = await adminCall(ada, 'DELETE', url, undefined, headers)
    t.equal(res.statusCode, 428, JSON.stringify(headers))
    t.match(res.json(), { error: { code: 428, status: 'Precondition Required', id: 'admin_confirmation_required', reason: /Ory-Bff-Confirm: deleteIdentity/ } })
  }
  const batch = await adminCall(ada, 'PATCH', '/api/admin/identities', { identities: [] })
  t.equal(batch.statusCode, 428, 'a batch patch too')
  t.same(adminRequestsOf(oryRequests()), [], 'none reached Ory')

  const deleted = await adminCall(ada, 'DELETE', url, undefined, { 'ory-bff-confirm': 'deleteIdentity' })
  t.equal(deleted.statusCode, 204)
  t.equal((await adminCall(ada, 'GET', url)).statusCode, 404, 'gone, and Ory\'s 404 passes through')
})
