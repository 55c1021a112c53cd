import { frontend } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, oryError, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// Starting a login or registration while signed in: AJAX and native get 400 session_already_available; a browser is
// sent on to where it was going.
emulatorTest('login and registration while signed in: 400 session_already_available, or a redirect', async (t, emu) => {
  const { client } = emu
  const { token } = await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')

  const ajax = await oryError(t, frontend.createBrowserLoginFlow(client, { cookie: jar.header() }), 400)
  t.equal(ajax.error.id, 'session_already_available')
  await oryError(t, frontend.createBrowserRegistrationFlow(client, {}, { headers: { cookie: jar.header() } }), 400)
  const native = await oryError(t, frontend.createNativeLoginFlow(client, { xSessionToken: token }), 400)
  t.equal(native.error.id, 'session_already_available')

  const page = await frontend.createBrowserLoginFlow(client, { cookie: jar.header(), return_to: 'http://127.0.0.1:4000/app' }, { headers: { accept: 'text/html' } })
  t.equal(page.status, 303)
  t.equal(page.headers.location, 'http://127.0.0.1:4000/app')

  // A flow made before signing in cannot be used to sign in again: login/handler.go `updateLoginFlow` answers with
  // the flow, the error its message 4000001 (`WriteFlowError`).
  const flow = await frontend.createNativeLoginFlow(client)
  const again = await oryError(t, frontend.updateLoginFlow(client, {
    flow: flow.body.id, xSessionToken: token, body: { method: 'password', identifier: 'ada@example.com', password: 'whatever-it-is' }
  }), 400)
  t.same(again.ui.messages.map((m: { id: number }) => m.id), [4000001])
})
