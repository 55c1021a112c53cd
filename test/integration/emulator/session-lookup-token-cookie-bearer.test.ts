import { frontend } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// session/manager_http.go `extractToken`: the `X-Session-Token` header first, then the session cookie, and an
// `Authorization: Bearer` token only when there is no session cookie.
emulatorTest('a session is looked up by X-Session-Token, then the cookie, then a bearer token', async (t, emu) => {
  const { client } = emu
  const ada = await signUpNative(client, 'ada@example.com')
  await signUpNative(client, 'grace@example.com')
  const grace = new CookieJar()
  await signInBrowser(client, grace, 'grace@example.com')
  const cookie = `ory_kratos_session=${grace.get('ory_kratos_session')}`

  const whoami = async (headers: Record<string, string>): Promise<string | undefined> =>
    (await frontend.toSession(client, {}, { headers })).body.identity?.id
  const graceId = await whoami({ cookie })

  t.equal(await whoami({ 'x-session-token': ada.token, cookie }), ada.identityId, 'the header beats the cookie')
  t.equal(await whoami({ authorization: `Bearer ${ada.token}`, cookie }), graceId, 'the cookie beats a bearer token')
  t.equal(await whoami({ authorization: `Bearer ${ada.token}` }), ada.identityId, 'a bearer token alone is enough')
})
