import { codeFlow, CookieJar, emulatorTest, OAUTH2_CLIENT, oauth2Post, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// RFC 7009 at /oauth2/revoke: revoking the refresh token revokes its access tokens too (fosite's revocation.go); an
// unknown token is a 200; the client must authenticate.
emulatorTest('revoke: a refresh token takes its access token with it; unknown tokens are fine; client auth required', async (t, emu) => {
  await signUpNative(emu.client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(emu.client, jar, 'ada@example.com')
  const { tokens } = await codeFlow(emu, jar.header())

  const revoked = await oauth2Post(emu, '/oauth2/revoke', { token: tokens.refresh_token, token_type_hint: 'refresh_token' })
  t.equal(revoked.status, 200)
  t.equal(revoked.body, undefined)
  const userinfo = await fetch(`${emu.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  t.equal(userinfo.status, 401, 'the access token is revoked too')
  await userinfo.body?.cancel()
  const refresh = await oauth2Post(emu, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  t.equal(refresh.body.error, 'invalid_grant')

  t.equal((await oauth2Post(emu, '/oauth2/revoke', { token: 'ory_at_unknown' })).status, 200, 'an unknown token is a 200')
  const noAuth = await oauth2Post(emu, '/oauth2/revoke', { token: 'ory_at_unknown' }, null)
  t.equal(noAuth.status, 401)
  t.equal(noAuth.body.error, 'invalid_client')
  const wrongSecret = await oauth2Post(emu, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: 'x' }, { client_id: OAUTH2_CLIENT.client_id, client_secret: 'wrong' })
  t.equal(wrongSecret.status, 401)
  t.equal(wrongSecret.body.error, 'invalid_client')
}, { oauth2Clients: [OAUTH2_CLIENT] })
