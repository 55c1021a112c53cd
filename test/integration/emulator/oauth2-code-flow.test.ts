import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { codeFlow, CookieJar, emulatorTest, OAUTH2_CLIENT, queryOf, signInBrowser, signUpNative, authorize } from '../../helpers/emulator.js'

// The authorization code flow with PKCE for a browser signed in at the emulator's Kratos: a 303 back with code, state
// and scope, then tokens (no-store), an ID token that verifies against /.well-known/jwks.json with Hydra's claims.
emulatorTest('code + PKCE with a Kratos session cookie: tokens, and an ID token that verifies against the JWKS', async (t, emu) => {
  const { client, clock } = emu
  const { identityId } = await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  const sid = (await (await fetch(`${emu.url}/sessions/whoami`, { headers: { cookie: jar.header() } })).json() as { id: string }).id

  const redirect = await authorize(emu, { scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', nonce: 'a-nonce-value' }, jar.header())
  t.equal(redirect.status, 303)
  const location = redirect.headers.get('location')!
  t.ok(location.startsWith(`${OAUTH2_CLIENT.redirect_uris[0]}?`))
  t.equal(queryOf(location, 'state'), 'a-state-of-16-ch')
  t.equal(queryOf(location, 'scope'), 'openid')
  t.match(queryOf(location, 'code'), /^ory_ac_/)
  t.equal(queryOf(location, 'iss'), null, 'no iss on the callback: Hydra does not advertise it')

  const { tokens } = await codeFlow(emu, jar.header(), 'openid offline_access email profile', { nonce: 'n-0123456789' })
  t.match(tokens, { token_type: 'bearer', expires_in: 3600, scope: 'openid offline_access email profile' })
  t.match(tokens.access_token, /^ory_at_/)
  t.match(tokens.refresh_token, /^ory_rt_/)
  const tokenResponse = emu.responses.filter(r => r.url === '/oauth2/token').at(-1)!
  t.equal(tokenResponse.headers['cache-control'], 'no-store')
  t.equal(tokenResponse.headers.pragma, 'no-cache')

  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', emu.url))
  const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, { issuer: emu.baseUrl, audience: OAUTH2_CLIENT.client_id, algorithms: ['RS256'], currentDate: new Date(clock.now()) })
  t.type(protectedHeader.kid, 'string')
  t.equal(decodeProtectedHeader(tokens.id_token).alg, 'RS256')
  t.equal(payload.sub, identityId)
  t.same(payload.aud, [OAUTH2_CLIENT.client_id])
  t.equal(payload.nonce, 'n-0123456789')
  t.equal(payload.sid, sid, 'sid is the Kratos session')
  t.type(payload.auth_time, 'number')
  t.type(payload.rat, 'number')
  t.type(payload.jti, 'string')
  t.type(payload.at_hash, 'string')
  t.equal(payload.email, 'ada@example.com')
  t.equal(payload.email_verified, false)
  t.equal(payload.name, 'Test User')
  t.same(emu.ctx.oauth2.tokenCalls, { total: 1, byGrantType: { authorization_code: 1 } })
}, { oauth2Clients: [OAUTH2_CLIENT] })
