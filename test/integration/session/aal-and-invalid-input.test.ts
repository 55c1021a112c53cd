import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { body, SAME_ORIGIN, sessionJson, withUpstream } from '../../helpers/session.js'

// ?aal=aal2 on a weaker session: 403 session_aal2_required as Kratos answers it. Bad input: 400 in Ory's shape
// with the JSON path of the problem, and Ory never hears of it.

const cookie = 'ory_kratos_session=abc'

t.test('?aal=aal2 on an aal1 session → 403 session_aal2_required; on aal2 → 200', async t => {
  let aal = 'aal1'
  const { app, clock, upstream } = await withUpstream(t, (_req, res) => json(res, 200, sessionJson(upstream.url, { aal })))
  const weak = await app.inject({ url: '/api/session?aal=aal2', headers: { cookie, 'x-request-id': 'aal-1' } })
  t.equal(weak.statusCode, 403)
  const redirect = 'http://localhost:4000/.ory/self-service/login/browser?aal=aal2'
  t.same(body(weak), {
    error: {
      id: 'session_aal2_required',
      code: 403,
      status: 'Forbidden',
      reason: 'An active session was found but it does not fulfill the requested Authenticator Assurance Level. Please verify yourself using the second factor to resolve this issue.',
      message: 'Session does not fulfill the requested Authenticator Assurance Level',
      request: 'aal-1',
      details: { redirect_browser_to: redirect }
    },
    redirect_browser_to: redirect
  })
  t.equal((await app.inject({ url: '/api/session?aal=aal1', headers: { cookie } })).statusCode, 200)
  aal = 'aal2'
  clock.advance(60_000)
  t.equal((await app.inject({ url: '/api/session?aal=aal2', headers: { cookie } })).statusCode, 200)
})

t.test('invalid input → 400 with the JSON path, nothing sent to Ory', async t => {
  const { app, upstream } = await withUpstream(t, (_req, res) => json(res, 200, sessionJson(upstream.url)))
  const cases = [
    { method: 'GET' as const, url: '/api/session?aal=aal9', in: 'querystring', path: '/aal' },
    { method: 'GET' as const, url: '/api/session?foo=1', in: 'querystring', path: '/foo' },
    { method: 'GET' as const, url: '/api/session/devices?page_size=0', in: 'querystring', path: '/page_size' },
    { method: 'DELETE' as const, url: '/api/session/devices/..%2Fadmin', in: 'params', path: '/id' },
    { method: 'DELETE' as const, url: '/api/session/devices/not-a-uuid', in: 'params', path: '/id' }
  ]
  for (const c of cases) {
    const res = await app.inject({ method: c.method, url: c.url, headers: { cookie, 'x-request-id': 'bad-1', ...SAME_ORIGIN } })
    t.equal(res.statusCode, 400, c.url)
    const error = body(res).error
    t.match(error, { code: 400, status: 'Bad Request', message: 'The request was malformed or contained invalid parameters', request: 'bad-1' }, c.url)
    t.match(error.details.errors[0], { in: c.in, path: c.path }, c.url)
  }
  t.equal(upstream.requests.filter(req => !req.url.startsWith('/schemas')).length, 0, 'Ory was not called')
})
