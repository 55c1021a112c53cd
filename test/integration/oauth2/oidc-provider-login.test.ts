import t from 'tap'
import { CLIENTS, TEST_ACCOUNT } from '../../helpers/oidc-provider.js'
import { clearedCookies, PUBLIC_URL, SPA_FETCH } from '../../helpers/oauth2.js'
import { authorize, signIn, startOidcBff } from '../../helpers/oauth2-oidc-provider.js'

// The BFF against a certified OpenID Provider that is not Ory (panva's oidc-provider): the whole login through the
// BFF's routes, the callback's `iss` (RFC 9207, which this provider sends) checked, and a logout that sends the SPA
// through the BFF's end-session redirect to the provider's end-session URL, the ID token as hint.

t.test('a login through the BFF at oidc-provider, its user, and its logout', async t => {
  const bff = await startOidcBff(t, { client: CLIENTS.basic })
  const { app, op } = bff
  const { callback, transaction } = await authorize(bff)
  t.equal(callback.searchParams.get('iss'), op.issuer, 'the provider sends iss with the code (RFC 9207)')
  const done = await app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: transaction } })
  t.equal(done.statusCode, 302)
  t.equal(done.headers.location, `${PUBLIC_URL}/`)
  const cookie = (done.headers['set-cookie'] as string[]).filter(line => !/max-age=0/i.test(line)).map(line => line.split(';', 1)[0]).join('; ')
  t.match(cookie, /bff_session/)

  const user = await app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })
  t.equal(user.statusCode, 200)
  t.match(user.json(), { signed_in: true, sub: TEST_ACCOUNT.sub, claims: { email: TEST_ACCOUNT.email, email_verified: true, name: TEST_ACCOUNT.name } })
  t.ok(op.requests.some(request => request.method === 'GET' && request.url.startsWith('/me')), 'userinfo was asked')

  const logout = await app.inject({ method: 'POST', url: '/api/oauth2/logout', headers: { cookie, ...SPA_FETCH } })
  t.equal(logout.statusCode, 200)
  t.same(logout.json(), { logout_url: `${PUBLIC_URL}/api/oauth2/end-session` }, 'the page never gets the ID token')
  t.notMatch(logout.body, /eyJ/, 'no JWT in the answer')
  const kept = (logout.headers['set-cookie'] as string[]).filter(line => line.startsWith('bff_oauth2_logout=') && !/max-age=0/i.test(line)).map(line => line.split(';', 1)[0])
  t.equal(kept.length, 1, 'the hint waits in a sealed cookie')
  const endSession = await app.inject({ method: 'GET', url: '/api/oauth2/end-session', headers: { cookie: kept[0]! } })
  t.equal(endSession.statusCode, 302)
  t.ok(clearedCookies(endSession).includes('bff_oauth2_logout'), 'used once')
  const url = new URL(endSession.headers.location as string)
  t.equal(`${url.origin}${url.pathname}`, `${op.issuer}/session/end`, 'the provider\'s end_session_endpoint')
  t.match(url.searchParams.get('id_token_hint'), /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, 'with the ID token as hint')
  t.equal(url.searchParams.get('client_id'), CLIENTS.basic.clientId)
  t.equal(url.searchParams.get('post_logout_redirect_uri'), `${PUBLIC_URL}/`)
  t.ok(clearedCookies(logout).includes('bff_session'), 'the session cookie is cleared')
  t.equal(op.requests.filter(request => request.method === 'POST' && request.url.startsWith('/token/revocation')).length, 2, 'both tokens revoked')
})

t.test('a callback whose iss is another issuer: 400, no session', async t => {
  const bff = await startOidcBff(t, { client: CLIENTS.basic })
  const { callback, transaction } = await authorize(bff)
  callback.searchParams.set('iss', 'https://attacker.example')
  const response = await bff.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: transaction } })
  t.equal(response.statusCode, 400)
  t.match(response.json().error, { code: 400, reason: /attacker\.example/ })
  t.notOk(String(response.headers['set-cookie']).includes('bff_session='), 'no session')
  t.notOk(bff.op.requests.some(request => request.url.startsWith('/token') && !request.url.startsWith('/token/')), 'the code was never exchanged')

  const without = await authorize(bff)
  without.callback.searchParams.delete('iss')
  const missing = await bff.app.inject({ method: 'GET', url: `${without.callback.pathname}${without.callback.search}`, headers: { cookie: without.transaction } })
  t.equal(missing.statusCode, 400, 'a provider that advertises iss must send it: its absence is refused too')
})

t.test('signIn helper: a session in one call', async t => {
  const bff = await startOidcBff(t, { client: CLIENTS.basic })
  const cookie = await signIn(bff)
  t.equal((await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })).json().sub, TEST_ACCOUNT.sub)
})
