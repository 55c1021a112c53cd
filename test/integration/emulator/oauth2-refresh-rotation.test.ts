import { jwtVerify, createRemoteJWKSet } from 'jose'
import { codeFlow, CookieJar, emulatorTest, OAUTH2_CLIENT, oauth2Post, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// refresh_token grant: a new access token, a new refresh token (the old one is spent) and a new ID token with the
// same sub and sid.
emulatorTest('refresh rotation: new tokens, the same sub and sid; the old access token stops working', async (t, emu) => {
  await signUpNative(emu.client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(emu.client, jar, 'ada@example.com')
  const { tokens } = await codeFlow(emu, jar.header())
  const refreshed = await oauth2Post(emu, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  t.equal(refreshed.status, 200)
  t.equal(refreshed.headers.get('cache-control'), 'no-store')
  t.not(refreshed.body.refresh_token, tokens.refresh_token)
  t.not(refreshed.body.access_token, tokens.access_token)
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', emu.url))
  const first = (await jwtVerify(tokens.id_token, jwks, { currentDate: new Date(emu.clock.now()) })).payload
  const second = (await jwtVerify(refreshed.body.id_token, jwks, { currentDate: new Date(emu.clock.now()) })).payload
  t.equal(second.sub, first.sub)
  t.equal(second.sid, first.sid)
  t.not(second.jti, first.jti)

  const userinfo = async (token: string): Promise<number> => (await fetch(`${emu.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status
  t.equal(await userinfo(refreshed.body.access_token), 200)
  t.equal(await userinfo(tokens.access_token), 401, 'the access token before the refresh is revoked')
  const next = await oauth2Post(emu, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token })
  t.equal(next.status, 200, 'the new refresh token works')
  t.same(emu.ctx.oauth2.tokenCalls, { total: 3, byGrantType: { authorization_code: 1, refresh_token: 2 } })

  emu.clock.advance(30 * 24 * 3600_000 + 1)
  const expired = await oauth2Post(emu, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: next.body.refresh_token })
  t.equal(expired.body.error, 'invalid_grant')
  t.match(expired.body.error_description, /The refresh token expired\.$/)
}, { oauth2Clients: [OAUTH2_CLIENT] })
