import t from 'tap'
import { withProxy } from '../../helpers/proxy.js'

// Without a session there is no token: a 401 in Ory's shape, as GET /api/session answers when signed out (never a
// redirect), and the API is never called with nothing.

const INACTIVE = { id: 'session_inactive', code: 401, status: 'Unauthorized', message: 'The request could not be authorized' }

t.test('no session credentials: 401 session_inactive without asking Ory; an ended session: 401 after Ory\'s 401', async t => {
  const { app, ory, api } = await withProxy(t)
  const none = await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { accept: 'text/html', 'x-csrf': '1' } })
  t.equal(none.statusCode, 401)
  t.match(none.headers['content-type'], /^application\/json/)
  t.match(none.json(), { error: { ...INACTIVE, request: none.headers['x-request-id'] } })
  t.equal(none.headers.location, undefined)
  t.equal(ory.upstream.requests.filter(req => req.url.startsWith('/sessions')).length, 0)

  const unknown = await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie: 'ory_kratos_session=forged', 'x-csrf': '1' } })
  t.equal(unknown.statusCode, 401)
  t.match(unknown.json(), { error: INACTIVE })
  t.equal(ory.tokenizations().length, 1)

  const signedOut = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: 'ory_kratos_session=forged' } })
  t.same(Object.keys(signedOut.json().error).sort(), Object.keys(unknown.json().error).sort(), 'the same shape as /api/session')
  t.equal(api.requests.length, 0)
})

t.test('a route that takes OAuth2 tokens only: 401 without one, even with an Ory session', async t => {
  const { app, ory, api } = await withProxy(t, { route: { token: 'oauth2' }, env: { OAUTH2_CLIENT_ID: 'bff', OAUTH2_CLIENT_SECRET: 'secret', COOKIE_SECRET: 'a'.repeat(32) } })
  const res = await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie: ory.signIn('ada'), 'x-csrf': '1' } })
  t.equal(res.statusCode, 401)
  t.match(res.json(), { error: INACTIVE })
  t.equal(ory.tokenizations().length, 0)
  t.equal(api.requests.length, 0)
})
