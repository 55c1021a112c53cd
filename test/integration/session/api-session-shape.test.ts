import t from 'tap'
import { body, SESSION_INACTIVE, withEmulator } from '../../helpers/session.js'

// GET /api/session answers the SPA's view of the session, and Kratos's 401 (with the request id) without one.

t.test('a signed-in browser gets its session in the SPA shape', async t => {
  const { app, signIn } = await withEmulator(t)
  const jar = await signIn('ada@example.com')
  const res = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: `${jar.header()}; theme=dark` } })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.headers['cache-control'], 'no-store')
  const session = body(res)
  t.same(Object.keys(session).sort(), ['active', 'authenticated_at', 'authentication_methods', 'authenticator_assurance_level', 'expires_at', 'identity'])
  t.same(Object.keys(session.identity).sort(), ['id', 'metadata_public', 'schema_id', 'traits', 'verifiable_addresses'])
  t.equal(session.active, true)
  t.equal(session.identity.traits.email, 'ada@example.com')
  t.equal(session.authenticator_assurance_level, 'aal1')
  t.equal(session.authentication_methods[0].method, 'password')
  t.ok(Date.parse(session.expires_at) > Date.now())
  t.ok(Array.isArray(session.identity.verifiable_addresses))
})

t.test('a session token works as the cookie does', async t => {
  const { app, signUpToken } = await withEmulator(t)
  const { token, identityId } = await signUpToken('bob@example.com')
  const res = await app.inject({ method: 'GET', url: '/api/session', headers: { 'x-session-token': token } })
  t.equal(res.statusCode, 200)
  t.equal(body(res).identity.id, identityId)
})

t.test('without a session: 401 in the shape of Kratos\'s whoami, with the request id', async t => {
  const { app, whoamiCalls } = await withEmulator(t)
  for (const cookie of [undefined, 'theme=dark; csrf_token_abc=xyz', 'ory_kratos_session=forged']) {
    const res = await app.inject({ method: 'GET', url: '/api/session', headers: { 'x-request-id': 'req-1', ...(cookie === undefined ? {} : { cookie }) } })
    t.equal(res.statusCode, 401, String(cookie))
    t.same(body(res), { error: { ...SESSION_INACTIVE.error, request: 'req-1' } })
  }
  t.equal(whoamiCalls(), 1, 'Ory is asked only when the request carries a session cookie or token')
})
