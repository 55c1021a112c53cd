import { frontend, identity } from '../../../src/ory/index.js'
import { emulatorTest, messageIds, node } from '../../helpers/emulator.js'

// A wrong verification code is not an error in Kratos: `verificationUseCode`
// (selfservice/strategy/code/strategy_verification.go) catches `ErrCodeNotFound` and calls
// `updateVerificationFlowWithMessage` with 4070006 and http.StatusOK, which writes the flow with that status (a
// browser navigating is redirected to the verification UI instead).
emulatorTest('a wrong verification code answers 200 with the flow, still awaiting the code, and 4070006', async (t, emu) => {
  const { client } = emu
  await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'grace@example.com' } } })
  const flow = await frontend.createNativeVerificationFlow(client)
  await frontend.updateVerificationFlow(client, { flow: flow.body.id, body: { method: 'code', email: 'grace@example.com' } })
  const wrong = await frontend.updateVerificationFlow(client, { flow: flow.body.id, body: { method: 'code', code: '000000x' } })
  t.equal(wrong.status, 200)
  if (wrong.status !== 200) return
  t.equal(wrong.body.id, flow.body.id, 'the same flow, not a new one')
  t.equal(wrong.body.state, 'sent_email')
  t.ok(node(wrong.body, 'code'), 'the code input is there to try again')
  t.same(messageIds(wrong.body), [4070006])
  t.equal(wrong.body.ui.messages?.[0]?.text, 'The verification code is invalid or has already been used. Please try again.')
})
