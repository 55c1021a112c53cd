import t from 'tap'
import { assertCsrfRefusal } from '../../helpers/csrf.js'
import { SAME_ORIGIN, withProxy } from '../../helpers/proxy.js'

// A security regression test: /api/proxy/* gets the CSRF defence of every state-changing /api/* call, for every
// method a route takes, before a token is made or the API is called.

t.test('cross-site POST, PUT, PATCH and DELETE to /api/proxy are 403; same-origin ones pass', async t => {
  const { app, ory, api } = await withProxy(t)
  const cookie = ory.signIn('ada')
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    const crossSite = await app.inject({ method, url: '/api/proxy/orders/1', headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, payload: '{}' })
    assertCsrfRefusal(t, crossSite, 'sec-fetch-site')
    const noHeader = await app.inject({ method, url: '/api/proxy/orders/1', headers: { cookie, 'content-type': 'text/plain' }, payload: 'x' })
    assertCsrfRefusal(t, noHeader, 'custom-header')
  }
  t.equal(api.requests.length, 0)
  t.equal(ory.tokenizations().length, 0)

  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    const res = await app.inject({ method, url: '/api/proxy/orders/1', headers: { cookie, ...SAME_ORIGIN, 'content-type': 'application/json' }, payload: '{"a":1}' })
    t.equal(res.statusCode, 200, `same-origin ${method} passes`)
  }
  t.same(api.requests.map(req => [req.method, req.body, req.headers['x-csrf']]), [
    ['POST', '{"a":1}', '1'], ['PUT', '{"a":1}', '1'], ['PATCH', '{"a":1}', '1'], ['DELETE', '{"a":1}', '1']
  ])
})
