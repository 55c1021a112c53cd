import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, lastCode, messageIds, node, signUpNative } from '../../helpers/emulator.js'

// A wrong recovery code is not an error in Kratos: `recoveryUseCode` (selfservice/strategy/code/strategy_recovery.go)
// catches `ErrCodeNotFound`, puts 4060006 in the flow's messages and writes the flow itself (`Writer().Write`, a 200),
// or, for a browser flow whose client did not ask for JSON, redirects to the recovery UI with the flow's id (303).
emulatorTest('a wrong recovery code answers 200 with the flow, still awaiting the code, and 4060006', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeRecoveryFlow(client)
  await frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', email: 'ada@example.com' } })
  const code = await lastCode(client, 'ada@example.com')
  const wrong = await frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', code: code === '000000' ? '111111' : '000000' } })
  t.equal(wrong.status, 200)
  if (wrong.status !== 200) return
  t.equal(wrong.body.id, flow.body.id, 'the same flow, not a new one')
  t.equal(wrong.body.state, 'sent_email')
  t.ok(node(wrong.body, 'code'), 'the code input is there to try again')
  t.same(messageIds(wrong.body), [4060006])
  t.equal(wrong.body.ui.messages?.[0]?.text, 'The recovery code is invalid or has already been used. Please try again.')
})
