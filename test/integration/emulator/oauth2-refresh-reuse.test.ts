import { codeFlow, CookieJar, emulatorTest, OAUTH2_CLIENT, oauth2Post, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// Refresh token reuse detection (fosite/handler/oauth2/flow_refresh.go, handleRefreshTokenReuse): a rotated refresh
// token presented again is invalid_grant, and every token of the family is revoked, the newest included.
emulatorTest('reusing a rotated refresh token: invalid_grant, and the whole family is revoked', async (t, emu) => {
  await signUpNative(emu.client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(emu.client, jar, 'ada@example.com')
  const { tokens } = await codeFlow(emu, jar.header())
  const rotated = await oauth2Post(emu, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  t.equal(rotated.status, 200)

  const replay = await oauth2Post(emu, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  t.equal(replay.status, 400)
  t.equal(replay.body.error, 'invalid_grant')
  t.match(replay.body.error_description, /The refresh token was already used\.$/)

  const newest = await oauth2Post(emu, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token })
  t.equal(newest.body.error, 'invalid_grant', 'the newest refresh token is revoked')
  const userinfo = await fetch(`${emu.url}/userinfo`, { headers: { authorization: `Bearer ${rotated.body.access_token}` } })
  t.equal(userinfo.status, 401, 'the newest access token is revoked')
  await userinfo.body?.cancel()
}, { oauth2Clients: [OAUTH2_CLIENT] })
