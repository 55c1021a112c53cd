import t from 'tap'
import { ADA, adminApp, adminCall, adminRequestsOf, signIn } from '../../helpers/admin.js'
import { PUBLIC_URL } from '../../helpers/config.js'

t.test('admin calls get the CSRF defence, GETs included: cross-site or without the custom header they are refused before Ory', async t => {
  const { app, oryRequests } = await adminApp(t)
  const ada = await signIn(t, app, ADA)
  const crossSite = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'x-requested-with': 'XMLHttpRequest' }
  for (const [method, url, headers] of [
    ['POST', '/api/admin/identities', crossSite],
    ['GET', '/api/admin/identities', crossSite],
    ['GET', '/api/admin/identities', { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin', 'x-requested-with': '' }],
    ['DELETE', `/api/admin/identities/${ADA.id}`, { ...crossSite, 'ory-bff-confirm': 'deleteIdentity' }]
  ] as const) {
    const res = await ada.json(method, url, method === 'POST' ? { schema_id: 'default', traits: {} } : undefined, headers)
    t.equal(res.statusCode, 403, `${method} ${url} ${JSON.stringify(headers)}`)
    t.equal(res.json().error.id, 'security_csrf_violation')
  }
  t.same(adminRequestsOf(oryRequests()), [])
  t.equal((await adminCall(ada, 'GET', '/api/admin/identities')).statusCode, 200, 'the SPA\'s own call works')
})
