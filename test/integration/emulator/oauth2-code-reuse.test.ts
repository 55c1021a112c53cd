import { codeFlow, CookieJar, emulatorTest, OAUTH2_CLIENT, oauth2Post, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// RFC 6749 §4.1.2: a code used twice is invalid_grant, and the tokens issued from it are revoked
// (fosite/handler/oauth2/flow_authorize_code_token.go).
emulatorTest('code reuse: invalid_grant, and the tokens from the first exchange stop working', async (t, emu) => {
  await signUpNative(emu.client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(emu.client, jar, 'ada@example.com')
  const { code, tokens, verifier } = await codeFlow(emu, jar.header())
  const userinfo = async (): Promise<number> => (await fetch(`${emu.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status
  t.equal(await userinfo(), 200)

  const again = await oauth2Post(emu, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: OAUTH2_CLIENT.redirect_uris[0]!, code_verifier: verifier })
  t.equal(again.status, 400)
  t.equal(again.body.error, 'invalid_grant')
  t.match(again.body.error_description, /The authorization code has already been used\.$/)
  t.equal(await userinfo(), 401, 'the access token is revoked')
  const refresh = await oauth2Post(emu, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  t.equal(refresh.body.error, 'invalid_grant', 'the refresh token is revoked')
}, { oauth2Clients: [OAUTH2_CLIENT] })
