import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, oryError, signUpNative } from '../../helpers/emulator.js'

// Kratos' password settings strategy (selfservice/strategy/password/settings.go, continueSettingsFlow) checks the
// privileged session before it looks at the password: from an old session even an empty or weak password gets
// session_refresh_required, never a password-policy message.
emulatorTest('settings: an old session gets session_refresh_required before any password check', async (t, emu) => {
  const { client, clock } = emu
  const { token } = await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeSettingsFlow(client, { xSessionToken: token })
  clock.advance(16 * 60_000)

  for (const password of ['short', 'ada@example.com', '']) {
    const refused = await oryError(t, frontend.updateSettingsFlow(client, {
      flow: flow.body.id, xSessionToken: token, body: { method: 'password', password }
    }), 403)
    t.equal(refused?.error?.id, 'session_refresh_required', `password ${JSON.stringify(password)}`)
  }
})
