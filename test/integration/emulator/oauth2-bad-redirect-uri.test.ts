import { authorize, emulatorTest, OAUTH2_CLIENT } from '../../helpers/emulator.js'

// An unregistered redirect_uri or an unknown client_id is answered, never redirected: the URI is not the client's.
emulatorTest('a redirect_uri that is not registered: a JSON error, no redirect', async (t, emu) => {
  const bad = await authorize(emu, { scope: 'openid', redirect_uri: 'https://evil.example/callback' })
  t.equal(bad.status, 400)
  t.equal(bad.headers.get('location'), null)
  const body = await bad.json() as { error: string, error_description: string }
  t.equal(body.error, 'invalid_request')
  t.match(body.error_description, /does not match any of the OAuth 2\.0 Client's pre-registered redirect urls/)

  const unknown = await authorize(emu, { scope: 'openid', client_id: 'nobody' })
  t.equal(unknown.status, 401)
  t.equal(unknown.headers.get('location'), null)
  t.equal((await unknown.json() as { error: string }).error, 'invalid_client')
}, { oauth2Clients: [OAUTH2_CLIENT] })
