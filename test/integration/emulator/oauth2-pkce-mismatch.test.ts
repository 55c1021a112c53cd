import { authorize, CookieJar, emulatorTest, OAUTH2_CLIENT, oauth2Post, pkcePair, queryOf, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// A code_verifier that does not match the S256 challenge is invalid_grant (fosite/handler/pkce/handler.go).
emulatorTest('a wrong PKCE verifier: 400 invalid_grant', async (t, emu) => {
  await signUpNative(emu.client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(emu.client, jar, 'ada@example.com')
  const { challenge } = pkcePair()
  const redirect = await authorize(emu, { scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }, jar.header())
  const code = queryOf(redirect.headers.get('location'), 'code')!
  const wrong = await oauth2Post(emu, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: OAUTH2_CLIENT.redirect_uris[0]!, code_verifier: pkcePair().verifier })
  t.equal(wrong.status, 400)
  t.same(wrong.body, {
    error: 'invalid_grant',
    error_description: 'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client. The PKCE code challenge did not match the code verifier.'
  })
  t.equal(wrong.headers.get('cache-control'), 'no-store')
}, { oauth2Clients: [OAUTH2_CLIENT] })
