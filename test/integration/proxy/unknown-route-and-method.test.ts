import t from 'tap'
import { SAME_ORIGIN, withProxy } from '../../helpers/proxy.js'

// Only the configured APIs, only with their methods: an unknown name is a 404, a method the route does not take a
// 405 with Allow, both in Ory's error shape and before any token is made.

t.test('an unknown API is a 404, a method the route does not take is a 405 with Allow', async t => {
  const { app, ory, api } = await withProxy(t, { route: { methods: ['GET', 'POST'] } })
  const cookie = ory.signIn('ada')

  const unknown = await app.inject({ method: 'GET', url: '/api/proxy/billing/x', headers: { cookie, 'x-csrf': '1' } })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.json(), { error: { code: 404, status: 'Not Found', message: 'The requested resource could not be found', request: unknown.headers['x-request-id'] } })

  const encodedName = await app.inject({ method: 'GET', url: '/api/proxy/%6frders/x', headers: { cookie, 'x-csrf': '1' } })
  t.equal(encodedName.statusCode, 404)

  for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
    const res = await app.inject({ method, url: '/api/proxy/orders/x', headers: { cookie, ...SAME_ORIGIN } })
    t.equal(res.statusCode, 405, `${method} is not allowed`)
    t.equal(res.headers.allow, 'GET, POST')
    t.match(res.json(), { error: { code: 405, status: 'Method Not Allowed' } })
  }
  t.equal(api.requests.length, 0)
  t.equal(ory.tokenizations().length, 0)

  const bare = await app.inject({ method: 'GET', url: '/api/proxy/orders?x=1', headers: { cookie, 'x-csrf': '1' } })
  t.equal(bare.statusCode, 200)
  t.equal(api.requests[0]?.url, '/v1?x=1', 'the bare name is the API\'s base URL')
})
