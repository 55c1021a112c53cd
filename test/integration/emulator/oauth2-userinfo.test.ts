import { codeFlow, CookieJar, emulatorTest, OAUTH2_CLIENT, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// /userinfo with the access token: the identity's claims for the granted scopes. A bad or expired token is a 401
// with Hydra's error in the body and in WWW-Authenticate (oauth2/handler.go, getOidcUserInfo).
emulatorTest('userinfo: claims per scope; 401 with WWW-Authenticate for unknown and expired tokens', async (t, emu) => {
  const { identityId } = await signUpNative(emu.client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(emu.client, jar, 'ada@example.com')
  const call = async (token: string, method = 'GET'): Promise<Response> => await fetch(`${emu.url}/userinfo`, { method, headers: { authorization: `Bearer ${token}` } })

  const full = (await codeFlow(emu, jar.header(), 'openid email profile')).tokens
  const info = await call(full.access_token)
  t.equal(info.status, 200)
  t.match(await info.json(), { sub: identityId, email: 'ada@example.com', email_verified: false, name: 'Test User', given_name: 'Test', family_name: 'User', aud: [OAUTH2_CLIENT.client_id] })
  t.equal((await call(full.access_token, 'POST')).status, 200, 'POST works too')

  const narrow = (await codeFlow(emu, jar.header(), 'openid')).tokens
  const bare = await (await call(narrow.access_token)).json() as Record<string, unknown>
  t.equal(bare.sub, identityId)
  t.equal(bare.email, undefined, 'no email without the email scope')
  t.equal(bare.name, undefined, 'no name without the profile scope')

  const unknown = await call('ory_at_made_up')
  t.equal(unknown.status, 401)
  t.match(unknown.headers.get('www-authenticate'), /^Bearer error="request_unauthorized",error_description="The request could not be authorized\./)
  t.same(await unknown.json(), { error: 'request_unauthorized', error_description: 'The request could not be authorized. Check that you provided valid credentials in the right format.' })

  emu.clock.advance(3600_000 + 1)
  const expired = await call(full.access_token)
  t.equal(expired.status, 401)
  t.match(expired.headers.get('www-authenticate'), /^Bearer error="token_expired"/)
  t.equal((await expired.json() as { error: string }).error, 'token_expired')
}, { oauth2Clients: [OAUTH2_CLIENT] })
