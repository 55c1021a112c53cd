import t from 'tap'
import { ADA, adminApp, adminCall, adminRequestsOf, signIn } from '../../helpers/admin.js'

t.test('with ADMIN_API on, Ory\'s admin and console APIs are still unreachable through the /.ory mirror', async t => {
  const { app, oryRequests } = await adminApp(t, { env: { ORY_WORKSPACE_API_KEY: 'ory_wak_test' } })
  const ada = await signIn(t, app, ADA)
  for (const url of ['/.ory/admin/identities', '/.ory/admin/sessions', '/.ory/relation-tuples', '/.ory/admin/clients', '/.ory/projects', '/.ory/version']) {
    const res = await adminCall(ada, 'GET', url)
    t.equal(res.statusCode, 404, url)
  }
  t.same(adminRequestsOf(oryRequests()), [])
})
