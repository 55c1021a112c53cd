import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Kratos' flow-expired messages (text/message_login.go `NewErrorValidationLoginFlowExpired` and its siblings for
// registration, settings, recovery and verification) carry `expired_at` and `expired_at_unix` (seconds).
emulatorTest('a replacement flow\'s expired message carries expired_at and expired_at_unix', async (t, emu) => {
  const { client, clock } = emu
  const flow = await frontend.createNativeRecoveryFlow(client)
  clock.advance(60 * 60_000 + 1_000)
  const submitted = await oryError(t, frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', email: 'ada@example.com' } }), 410)
  const replacement = await frontend.getRecoveryFlow(client, { id: submitted.use_flow_id })
  const message = replacement.body.ui.messages?.find(m => m.id === 4060005)
  const context = (message?.context ?? {}) as Record<string, unknown>
  t.same(Object.keys(context).sort(), ['expired_at', 'expired_at_unix'])
  t.equal(context.expired_at, flow.body.expires_at)
  t.equal(context.expired_at_unix, Math.floor(Date.parse(flow.body.expires_at) / 1000))
})
