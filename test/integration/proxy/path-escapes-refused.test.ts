import t from 'tap'
import type { AddressInfo } from 'node:net'
import { get } from '../../helpers/http.js'
import { withProxy } from '../../helpers/proxy.js'

// A security regression test: nothing in the rest of the path may lead above the route's base path (`/v1`), in any
// encoding the API or a proxy in front of it might decode; and what is encoded reaches the API still encoded. Sent
// over a real socket: an HTTP client of the test could normalize the dots away before they reach the BFF.

t.test('encoded paths stay encoded; dot segments in any encoding are a 400 and the API is never called', async t => {
  const { app, ory, api } = await withProxy(t)
  const cookie = ory.signIn('ada')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  const fine = await get(port, '/api/proxy/orders/files/a%2Fb%20c/%E2%82%AC?q=%2F..%2F&x=1', { cookie, 'x-csrf': '1' })
  t.equal(fine.status, 200)
  t.equal(api.requests[0]?.url, '/v1/files/a%2Fb%20c/%E2%82%AC?q=%2F..%2F&x=1', 'path and query reach the API as sent')

  const escapes = [
    '/api/proxy/orders/..', '/api/proxy/orders/../admin', '/api/proxy/orders/a/../../admin', '/api/proxy/orders/./x',
    '/api/proxy/orders/%2e%2e/admin', '/api/proxy/orders/%2E%2E/admin', '/api/proxy/orders/%2e./admin', '/api/proxy/orders/.%2E/admin',
    '/api/proxy/orders/..%2fadmin', '/api/proxy/orders/a%2f..%2f..%2fadmin', '/api/proxy/orders/%252e%252e/admin',
    '/api/proxy/orders/..;/admin', '/api/proxy/orders/a%5c..%5cadmin', '/api/proxy/orders/a\\..\\admin'
  ]
  for (const path of escapes) {
    const res = await get(port, path, { cookie, 'x-csrf': '1' })
    t.equal(res.status, 400, `${path} is refused`)
    const { error } = JSON.parse(res.body)
    t.equal(error.code, 400)
    t.equal(error.message, 'The request was malformed or contained invalid parameters')
    t.equal(error.request, res.headers['x-request-id'])
  }
  t.equal(api.requests.length, 1, 'the API saw only the fine request')
  t.equal(ory.tokenizations().length, 1, 'a refused path costs Ory nothing')
})
