import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, oryError, signUpNative } from '../../helpers/emulator.js'

// Kratos' settings error handler (selfservice/flow/settings/error.go, ErrorHandler.reauthenticate) points
// redirect_browser_to at its own login init with refresh=true and, as return_to, the settings submit URL on the
// public URL (the request's path and query), not the settings UI.
emulatorTest('session_refresh_required sends the browser to login with refresh=true, back to the settings submit URL', async (t, emu) => {
  const { client, clock } = emu
  const { token } = await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeSettingsFlow(client, { xSessionToken: token })
  clock.advance(16 * 60_000)

  const refused = await oryError(t, frontend.updateSettingsFlow(client, {
    flow: flow.body.id, xSessionToken: token, body: { method: 'password', password: 'a brand new passphrase' }
  }), 403)
  t.equal(refused.error.id, 'session_refresh_required')
  const returnTo = `${emu.baseUrl}/self-service/settings?flow=${flow.body.id}`
  t.equal(refused.redirect_browser_to, `${emu.baseUrl}/self-service/login/browser?refresh=true&return_to=${encodeURIComponent(returnTo)}`)
})
