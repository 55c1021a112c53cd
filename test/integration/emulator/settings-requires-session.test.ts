import { frontend } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, oryError, signInBrowser, signUpNative } from '../../helpers/emulator.js'

emulatorTest('settings flows need a session, and only their own identity\'s', async (t, emu) => {
  const { client } = emu
  const ada = await signUpNative(client, 'ada@example.com')
  const grace = await signUpNative(client, 'grace@example.com')

  const native = await oryError(t, frontend.createNativeSettingsFlow(client), 401)
  t.equal(native.error.id, 'session_inactive')
  await oryError(t, frontend.createBrowserSettingsFlow(client), 401)
  const page = await frontend.createBrowserSettingsFlow(client, {}, { headers: { accept: 'text/html' } })
  t.equal(page.status, 303)
  // Kratos' settings init (selfservice/flow/settings/handler.go, RegisterPublicRoutes) sends it to its own login init.
  t.equal(page.headers.location, `${emu.baseUrl}/self-service/login/browser`, 'a browser is sent to sign in')

  const adaFlow = await frontend.createNativeSettingsFlow(client, { xSessionToken: ada.token })
  const foreign = await oryError(t, frontend.getSettingsFlow(client, { id: adaFlow.body.id, xSessionToken: grace.token }), 403)
  t.equal(foreign.error.id, 'security_identity_mismatch')
  await oryError(t, frontend.updateSettingsFlow(client, {
    flow: adaFlow.body.id, xSessionToken: grace.token, body: { method: 'profile', traits: { email: 'grace@example.com' } }
  }), 403)
  await oryError(t, frontend.getSettingsFlow(client, { id: adaFlow.body.id }), 401)
  await oryError(t, frontend.getSettingsFlow(client, { id: '00000000-0000-4000-8000-000000000000', xSessionToken: ada.token }), 404)

  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  const own = await frontend.getSettingsFlow(client, { id: adaFlow.body.id, cookie: jar.header() })
  t.equal(own.body.identity.id, ada.identityId, 'any session of the same identity may open it')
})
