import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { withProxy } from '../../helpers/proxy.js'

// The API's answer reaches the SPA as the API gave it, its 401 and 403 included (so that the SPA can tell "the API
// refused" from "no session", which is the BFF's own 401 session_inactive), with its Cache-Control; its Set-Cookie
// does not: an API behind the BFF must not set cookies on the SPA's origin.

t.test('401 and 403 of the API pass through unchanged; Set-Cookie is dropped, Cache-Control kept', async t => {
  const { app, ory, handle } = await withProxy(t)
  const cookie = ory.signIn('ada')

  handle((_req, res) => json(res, 403, { message: 'not your order' }, { 'set-cookie': ['api_session=1; Path=/'], 'cache-control': 'private, max-age=5', 'www-authenticate': 'Bearer error="insufficient_scope"' }))
  const forbidden = await app.inject({ method: 'GET', url: '/api/proxy/orders/42', headers: { cookie, 'x-csrf': '1' } })
  t.equal(forbidden.statusCode, 403)
  t.same(forbidden.json(), { message: 'not your order' }, 'the API\'s body, not the BFF\'s error shape')
  t.equal(forbidden.headers['set-cookie'], undefined)
  t.equal(forbidden.headers['cache-control'], 'private, max-age=5')
  t.equal(forbidden.headers['www-authenticate'], 'Bearer error="insufficient_scope"')

  handle((_req, res) => json(res, 401, { error: 'invalid_token' }))
  const refused = await app.inject({ method: 'GET', url: '/api/proxy/orders/42', headers: { cookie, 'x-csrf': '1' } })
  t.equal(refused.statusCode, 401)
  t.same(refused.json(), { error: 'invalid_token' })
  t.equal(refused.headers['cache-control'], 'no-store', 'an answer without Cache-Control is not kept by shared caches')

  handle((_req, res) => { res.writeHead(201, { location: '/v1/orders/43', 'content-type': 'text/plain' }); res.end('made') })
  const created = await app.inject({ method: 'POST', url: '/api/proxy/orders', headers: { cookie, 'x-csrf': '1', 'content-type': 'text/plain' }, payload: 'new' })
  t.equal(created.statusCode, 201)
  t.equal(created.body, 'made')
  t.equal(created.headers.location, '/v1/orders/43')

  handle((_req, res) => { res.writeHead(204); res.end() })
  const empty = await app.inject({ method: 'DELETE', url: '/api/proxy/orders/43', headers: { cookie, 'x-csrf': '1' } })
  t.equal(empty.statusCode, 204)
  t.equal(empty.body, '')
})
