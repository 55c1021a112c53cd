import t from 'tap'
import { closedPortUrl } from '../../helpers/upstream.js'
import { startTokenizingOry, TEMPLATE } from '../../helpers/proxy.js'
import { readyTestApp } from '../../helpers/app.js'
import { NO_LOAD_SHEDDING, oryConfig } from '../../helpers/config.js'
import { withProxy } from '../../helpers/proxy.js'

// An API that cannot be reached, or answers with something that is not HTTP, is a 502 in Ory's error shape, with no
// address of the API in it; never a 500.

t.test('connection refused: 502 API_UPSTREAM_UNAVAILABLE', async t => {
  const ory = await startTokenizingOry()
  t.teardown(ory.close)
  const routes = { orders: { url: await closedPortUrl(), methods: ['GET'], token: 'session', tokenize_as: TEMPLATE } }
  const app = await readyTestApp(t, oryConfig(ory.url, { ...NO_LOAD_SHEDDING, API_ROUTES: JSON.stringify(routes) }))
  const res = await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie: ory.signIn('ada'), 'x-csrf': '1' } })
  t.equal(res.statusCode, 502)
  const { error } = res.json()
  t.match(error, { id: 'api_upstream_unavailable', code: 502, status: 'Bad Gateway', request: res.headers['x-request-id'] })
  t.notMatch(JSON.stringify(error), /127\.0\.0\.1/, 'the API\'s address stays in the logs')
})

t.test('an answer that is not HTTP: 502', async t => {
  const { app, ory, handle } = await withProxy(t)
  handle((_req, _res, socket) => { socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n') })
  const res = await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie: ory.signIn('ada'), 'x-csrf': '1' } })
  t.equal(res.statusCode, 502)
  t.equal(res.json().error.id, 'api_upstream_unavailable')
})

t.test('the connection reset before an answer: 502', async t => {
  const { app, ory, handle } = await withProxy(t)
  handle((_req, _res, socket) => { socket.resetAndDestroy() })
  const res = await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie: ory.signIn('ada'), 'x-csrf': '1' } })
  t.equal(res.statusCode, 502)
  t.equal(res.json().error.code, 502)
})
