import t from 'tap'
import { SAME_ORIGIN, withProxy } from '../../helpers/proxy.js'

// A logged-out session's JWT is never handed out again: the session checker's evictions (POST /api/session/logout,
// the mirror's logout) take the tokenizer's JWTs with them, so the next call asks Ory again.

t.test('POST /api/session/logout: the next call tokenizes again, and gets a 401', async t => {
  const { app, ory, api } = await withProxy(t)
  const cookie = ory.signIn('ada')
  t.equal((await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie, 'x-csrf': '1' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie, 'x-csrf': '1' } })).statusCode, 200)
  t.equal(ory.tokenizations().length, 1, 'cached before the logout')
  t.equal(app.sessionTokens.size, 1)

  const logout = await app.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie, ...SAME_ORIGIN } })
  t.equal(logout.statusCode, 204)
  t.equal(app.sessionTokens.size, 0, 'the JWT went with the session')

  const after = await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie, 'x-csrf': '1' } })
  t.equal(after.statusCode, 401)
  t.equal(ory.tokenizations().length, 2, 'Ory was asked again')
  t.equal(api.requests.length, 2)
})

t.test('the mirror\'s logout: the next call tokenizes again', async t => {
  const { app, ory } = await withProxy(t)
  const cookie = ory.signIn('ada')
  t.equal((await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie, 'x-csrf': '1' } })).statusCode, 200)
  const flow = await app.inject({ method: 'GET', url: '/.ory/self-service/logout/browser', headers: { cookie, accept: 'application/json' } })
  t.equal(flow.statusCode, 200)
  const token = flow.json().logout_token as string
  const done = await app.inject({ method: 'GET', url: `/.ory/self-service/logout?token=${token}`, headers: { cookie, accept: 'application/json' } })
  t.ok(done.statusCode < 400, `the mirror's logout answered ${done.statusCode}`)
  t.equal(app.sessionTokens.size, 0)
  const after = await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie, 'x-csrf': '1' } })
  t.equal(after.statusCode, 401)
  t.equal(ory.tokenizations().length, 2)
})
