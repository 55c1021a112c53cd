import t from 'tap'
import { ADA, adminApp, adminCall, signIn } from '../../helpers/admin.js'

t.test('with ADMIN_API off (the default) there are no admin routes, not even for an administrator', async t => {
  const { app } = await adminApp(t, { env: { ADMIN_API: 'off', ADMIN_POLICY: '' } })
  const ada = await signIn(t, app, ADA)
  for (const url of ['/api/admin/identities', '/api/admin/version']) {
    const res = await adminCall(ada, 'GET', url)
    t.equal(res.statusCode, 404, url)
  }
  const doc = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.notOk(Object.keys(doc.json().paths).some(path => path.startsWith('/api/admin')), 'none in /openapi.json')
})
