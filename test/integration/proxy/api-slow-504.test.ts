import t from 'tap'
import { withProxy } from '../../helpers/proxy.js'

// An API that does not answer within UPSTREAM_TIMEOUT_MS is a 504 in Ory's error shape: never a hang.

t.test('no headers in time: 504 API_UPSTREAM_TIMEOUT', async t => {
  const { app, ory, api, handle } = await withProxy(t, { env: { UPSTREAM_TIMEOUT_MS: '200' } })
  // Never answers; the harness closes the socket at teardown.
  handle(() => {})
  const cookie = ory.signIn('ada')
  const res = await app.inject({ method: 'GET', url: '/api/proxy/orders/slow', headers: { cookie, 'x-csrf': '1' } })
  t.equal(res.statusCode, 504)
  t.match(res.json(), { error: { id: 'api_upstream_timeout', code: 504, status: 'Gateway Timeout', request: res.headers['x-request-id'] } })
  t.equal(api.requests.length, 1)
})
