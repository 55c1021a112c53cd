import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, lastCode, signUpNative } from '../../helpers/emulator.js'

// Kratos' `text.NewRecoverySuccessful` (text/message_recovery.go) gives 1060001 the expiry three ways: camelCase,
// snake_case and `privileged_session_expires_at_unix` (seconds). Ory Elements renders the text's
// `{privileged_session_expires_at_unix_until_minutes}` from the `_unix` key; without it the placeholder shows raw.
emulatorTest('the recovery success message carries privileged_session_expires_at_unix', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeRecoveryFlow(client)
  await frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', email: 'ada@example.com' } })
  const recovered = await frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', code: await lastCode(client, 'ada@example.com') } })
  if (recovered.status !== 200) return
  const token = recovered.body.continue_with?.find(c => c.action === 'set_ory_session_token')
  const show = recovered.body.continue_with?.find(c => c.action === 'show_settings_ui')
  if (token?.action !== 'set_ory_session_token' || show?.action !== 'show_settings_ui') {
    t.fail('continue_with is incomplete')
    return
  }
  const settings = await frontend.getSettingsFlow(client, { id: show.flow.id, xSessionToken: token.ory_session_token })
  const message = settings.body.ui.messages?.find(m => m.id === 1060001)
  const context = (message?.context ?? {}) as Record<string, unknown>
  t.same(Object.keys(context).sort(), ['privilegedSessionExpiresAt', 'privileged_session_expires_at', 'privileged_session_expires_at_unix'])
  const at = Date.parse(String(context.privileged_session_expires_at))
  t.equal(context.privilegedSessionExpiresAt, context.privileged_session_expires_at)
  t.equal(context.privileged_session_expires_at_unix, Math.floor(at / 1000), 'whole seconds, as Go\'s Time.Unix()')
})
