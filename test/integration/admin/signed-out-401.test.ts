import t from 'tap'
import { adminApp, adminRequestsOf } from '../../helpers/admin.js'
import { SPA_HEADERS } from '../../helpers/permissions.js'

t.test('without a session every admin route is a 401 session_inactive, and Ory hears nothing', async t => {
  const { app, oryRequests } = await adminApp(t)
  for (const [method, url] of [['GET', '/api/admin/identities'], ['POST', '/api/admin/identities'], ['DELETE', '/api/admin/identities/x'], ['GET', '/api/admin/version']] as const) {
    const res = await app.inject({ method, url, headers: { ...SPA_HEADERS, 'ory-bff-confirm': 'deleteIdentity' } })
    t.equal(res.statusCode, 401, `${method} ${url}`)
    t.equal(res.json().error.id, 'session_inactive')
  }
  t.same(adminRequestsOf(oryRequests()), [])
})
