import t from 'tap'
import { COOKIE_SECRET, CLIENT_SECRET, PUBLIC_URL, signIn, SPA_FETCH, startLogin, startOAuth2Bff } from '../../helpers/oauth2.js'

// The whole login against the emulator's Hydra surface: login → authorize → callback → /api/oauth2/user, and no
// token ever in what the browser receives.

t.test('a login ends with a session the SPA can ask about, and no token reaches the browser', async t => {
  const bff = await startOAuth2Bff(t)
  const login = await startLogin(bff, `?return_to=${encodeURIComponent(`${PUBLIC_URL}/#/oauth2`)}`)
  const authorize = login.location
  t.equal(`${authorize.origin}${authorize.pathname}`, `${bff.emu.url}/oauth2/auth`)
  t.equal(authorize.searchParams.get('response_type'), 'code')
  t.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
  t.match(authorize.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/)
  t.match(authorize.searchParams.get('state'), /^[A-Za-z0-9_-]{43}$/)
  t.match(authorize.searchParams.get('nonce'), /^[A-Za-z0-9_-]{43}$/)
  t.equal(authorize.searchParams.get('redirect_uri'), `${PUBLIC_URL}/api/oauth2/callback`)
  const [name] = Object.keys(login.transaction)
  t.equal(name, `bff_oauth2_${authorize.searchParams.get('state')}`, 'the transaction cookie is named after its state')
  const line = String(login.response.headers['set-cookie'])
  t.match(line, /HttpOnly/)
  t.match(line, /SameSite=Lax/)
  t.match(line, /Path=\//)
  t.equal(login.response.headers['cache-control'], 'no-store')

  const { cookie, callback } = await signIn(bff, `?return_to=${encodeURIComponent(`${PUBLIC_URL}/#/oauth2`)}`)
  t.equal(callback.headers.location, `${PUBLIC_URL}/#/oauth2`)
  t.match(cookie, /bff_session=/)

  const user = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })
  t.equal(user.statusCode, 200)
  t.equal(user.headers['cache-control'], 'no-store')
  const body = user.json()
  t.equal(body.signed_in, true)
  t.match(body.sub, /^[0-9a-f-]{36}$/)
  t.equal(body.claims.email, 'oauth2-user@example.com')
  t.notOk('iss' in body.claims, 'token claims are not user claims')

  const tokens = [...bff.emu.ctx.oauth2.accessTokens.keys(), ...bff.emu.ctx.oauth2.refreshTokens.keys()]
  t.ok(tokens.length >= 2, 'the provider issued tokens')
  for (const response of [login.response, callback, user]) {
    const seen = JSON.stringify(response.headers) + response.body
    for (const token of tokens) t.notOk(seen.includes(token), 'no token in what the browser receives')
  }
  const logs = bff.logs.text()
  for (const secret of [...tokens, CLIENT_SECRET, COOKIE_SECRET]) t.notOk(logs.includes(secret), 'no secret in the logs')
})
