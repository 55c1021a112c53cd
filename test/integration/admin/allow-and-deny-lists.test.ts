import t from 'tap'
import { ADA, adminApp, adminCall, adminRequestsOf, signIn } from '../../helpers/admin.js'

t.test('ADMIN_ALLOW and ADMIN_DENY take operation ids and groups, deny winning; refused operations get a 403 and stay out of /openapi.json', async t => {
  const { app, oryRequests } = await adminApp(t, { env: { ADMIN_ALLOW: 'identity,getVersion', ADMIN_DENY: 'listSessions,courier' } })
  const ada = await signIn(t, app, ADA)

  t.equal((await adminCall(ada, 'GET', '/api/admin/identities')).statusCode, 200, 'a group allowed')
  t.equal((await adminCall(ada, 'GET', '/api/admin/version')).statusCode, 200, 'an operation allowed')
  const before = adminRequestsOf(oryRequests()).length
  for (const [url, why] of [['/api/admin/sessions', 'allowed by its group, denied by id'], ['/api/admin/courier/messages', 'denied by its group'], ['/api/admin/relation-tuples?namespace=Admin', 'not allowed']] as const) {
    const res = await adminCall(ada, 'GET', url)
    t.equal(res.statusCode, 403, `${url}: ${why}`)
    t.equal(res.json().error.id, 'admin_operation_not_offered')
  }
  t.equal(adminRequestsOf(oryRequests()).length, before, 'none of them reached Ory')

  const paths = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths as Record<string, Record<string, unknown>>
  t.ok(paths['/api/admin/identities']?.get, 'offered operations are documented')
  t.notOk(paths['/api/admin/sessions']?.get, 'refused ones are not')
  t.notOk(paths['/api/admin/courier/messages'])
})
