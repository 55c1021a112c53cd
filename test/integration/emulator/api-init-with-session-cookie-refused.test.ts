import { frontend } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, oryError, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// The API inits look for the session with session/manager_http.go `FetchFromRequest` like every other handler
// (login/handler.go `NewLoginFlow`, session/handler.go `IsNotAuthenticated` for registration and recovery), and
// `extractToken` reads the session cookie too: an API init with only a session cookie is signed in.
emulatorTest('an API init carrying only a session cookie answers 400 session_already_available', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  const cookie = `ory_kratos_session=${jar.get('ory_kratos_session')}`

  const login = await oryError(t, frontend.createNativeLoginFlow(client, {}, { headers: { cookie } }), 400)
  t.equal(login.error.id, 'session_already_available')
  const registration = await oryError(t, frontend.createNativeRegistrationFlow(client, {}, { headers: { cookie } }), 400)
  t.equal(registration.error.id, 'session_already_available')
})
