import { frontend, identity } from '../../../src/ory/index.js'
import { emulatorTest, lastCode, messageIds, oryError } from '../../helpers/emulator.js'

// Kratos counts every code submitted to a flow, right or wrong (`useOneTimeCode` and `incrementOTPCodeSubmitCount`
// in persistence/sql/persister_code.go); past `max_submissions` (5 by default) it answers `ErrCodeSubmittedTooOften`
// without looking at the code. `verificationUseCode` (selfservice/strategy/code/strategy_verification.go) hands that
// error to `retryVerificationFlowWithError`: a new flow carrying the reason as 4000001, and for a JSON client a 410
// `self_service_flow_replaced` whose `use_flow_id` names it.
emulatorTest('the sixth verification code submitted to a flow is refused with a new flow, even the right one', async (t, emu) => {
  const { client } = emu
  await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'grace@example.com' } } })
  const flow = await frontend.createNativeVerificationFlow(client)
  await frontend.updateVerificationFlow(client, { flow: flow.body.id, body: { method: 'code', email: 'grace@example.com' } })
  const code = await lastCode(client, 'grace@example.com')
  const wrongCode = code === '000000' ? '111111' : '000000'
  for (let i = 0; i < 5; i++) {
    const wrong = await frontend.updateVerificationFlow(client, { flow: flow.body.id, body: { method: 'code', code: wrongCode } })
    if (wrong.status === 200) t.same(messageIds(wrong.body), [4070006], `wrong code ${i + 1} of 5 is only wrong`)
    else t.fail(`wrong code ${i + 1}: ${wrong.status}`)
  }

  const sixth = await oryError(t, frontend.updateVerificationFlow(client, { flow: flow.body.id, body: { method: 'code', code } }), 410)
  t.equal(sixth.error.id, 'self_service_flow_replaced')
  t.type(sixth.use_flow_id, 'string')
  t.not(sixth.use_flow_id, flow.body.id, 'a new flow')
  const retried = await frontend.getVerificationFlow(client, { id: sixth.use_flow_id })
  t.equal(retried.body.state, 'choose_method')
  t.same(messageIds(retried.body), [4000001])
  t.equal(retried.body.ui.messages?.[0]?.text, 'The request was submitted too often. Please request another code.')
  const still = await identity.listIdentities(client, { credentials_identifier: 'grace@example.com' })
  t.equal(still.body[0]?.verifiable_addresses?.[0]?.verified, false, 'the right code verified nothing')
})
