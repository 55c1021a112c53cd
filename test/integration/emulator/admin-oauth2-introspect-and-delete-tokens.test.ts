import { oauth2 } from '../../../src/ory/index.js'
import { codeFlow, CookieJar, emulatorTest, OAUTH2_CLIENT, oryError, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// Hydra's introspection on the admin API: the emulator's access and refresh tokens are active with their subject,
// client, scopes and times; a token it did not issue, one asked for a scope it lacks, and one deleted by
// DELETE /admin/oauth2/tokens?client_id= are not (that deletes the client's access tokens; refresh tokens stay).
emulatorTest('admin introspection and token deletion', async (t, emu) => {
  const { client } = emu
  const { identityId } = await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  const { tokens } = await codeFlow(emu, jar.header(), 'openid offline_access email')

  const access = await oauth2.introspectOAuth2Token(client, { body: { token: tokens.access_token } })
  t.match(access.body, { active: true, sub: identityId, client_id: OAUTH2_CLIENT.client_id, scope: 'openid offline_access email', token_use: 'access_token', token_type: 'Bearer', iss: emu.baseUrl })
  t.ok(access.body.exp! > access.body.iat!)
  t.match((await oauth2.introspectOAuth2Token(client, { body: { token: tokens.refresh_token } })).body, { active: true, token_use: 'refresh_token' })
  t.equal((await oauth2.introspectOAuth2Token(client, { body: { token: tokens.access_token, scope: 'email' } })).body.active, true)
  t.same((await oauth2.introspectOAuth2Token(client, { body: { token: tokens.access_token, scope: 'profile' } })).body, { active: false }, 'a scope not granted')
  t.same((await oauth2.introspectOAuth2Token(client, { body: { token: 'ory_at_not-ours' } })).body, { active: false })
  const empty = await oryError(t, oauth2.introspectOAuth2Token(client, { body: { token: '' } }), 400)
  t.equal(empty.error, 'invalid_request')

  await oryError(t, oauth2.deleteOAuth2Token(client, { client_id: '' }), 400)
  t.equal((await oauth2.deleteOAuth2Token(client, { client_id: OAUTH2_CLIENT.client_id })).status, 204)
  t.same((await oauth2.introspectOAuth2Token(client, { body: { token: tokens.access_token } })).body, { active: false }, 'the access token is gone')
  t.equal((await oauth2.introspectOAuth2Token(client, { body: { token: tokens.refresh_token } })).body.active, true, 'the refresh token stays, as in Hydra')
}, { oauth2Clients: [OAUTH2_CLIENT] })
