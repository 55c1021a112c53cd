import { courier, frontend } from '../../../src/ory/index.js'
import { emulatorTest, lastCode, messageIds, oryError, signUpNative } from '../../helpers/emulator.js'

// Recovery by code: sent as a courier message to known addresses only (same answer for unknown ones), wrong codes
// are 4060006, and a flow takes five codes at most. A wrong code answers 200 with the flow, as Kratos'
// `recoveryUseCode` (selfservice/strategy/code/strategy_recovery.go) writes the flow on `ErrCodeNotFound`; the sixth
// code, even the right one, gets `ErrCodeSubmittedTooOften` (persistence/sql/persister_code.go, `useOneTimeCode`),
// which `retryRecoveryFlow` answers with a new flow (see recovery-code-submitted-too-often.test.ts).
emulatorTest('recovery codes: sent only to known addresses, wrong ones refused, five codes a flow', async (t, emu) => {
  const { client } = emu
  const { token } = await signUpNative(client, 'ada@example.com')
  const sentBefore = emu.state.messages.length

  const unknown = await frontend.createNativeRecoveryFlow(client)
  const unknownSent = await frontend.updateRecoveryFlow(client, { flow: unknown.body.id, body: { method: 'code', email: 'nobody@example.com' } })
  if (unknownSent.status !== 200) return
  t.equal(unknownSent.body.state, 'sent_email', 'the same answer as for a known address')
  t.same(messageIds(unknownSent.body), [1060003])
  t.equal(emu.state.messages.length, sentBefore, 'but no message')
  const noCode = await frontend.updateRecoveryFlow(client, { flow: unknown.body.id, body: { method: 'code', code: '123456' } })
  t.equal(noCode.status, 200, 'no code was made, so any code is simply wrong')
  if (noCode.status === 200) t.same(messageIds(noCode.body), [4060006])

  const flow = await frontend.createNativeRecoveryFlow(client)
  const missing = await oryError(t, frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code' } }), 400)
  t.same(messageIds(missing, 'email'), [4000002])
  await frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', email: 'ADA@example.com' } })
  const message = (await courier.listCourierMessages(client, { recipient: 'ada@example.com' })).body[0]
  t.equal(message?.template_type, 'recovery_code_valid')
  t.equal(message?.subject, 'Recover access to your account')
  const code = await lastCode(client, 'ada@example.com')
  const wrongCode = code === '000000' ? '111111' : '000000'

  const wrong = await frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', code: wrongCode } })
  t.equal(wrong.status, 200)
  if (wrong.status === 200) t.same(messageIds(wrong.body), [4060006])
  for (let i = 0; i < 4; i++) await frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', code: wrongCode } })
  const dead = await fetch(`${emu.url}/self-service/recovery?flow=${flow.body.id}`, {
    method: 'POST', redirect: 'manual', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ method: 'code', code })
  })
  t.equal(dead.status, 303, 'after five wrong guesses the right code no longer works: the flow is replaced')

  const signedIn = await oryError(t, frontend.createNativeRecoveryFlow(client, {}, { headers: { 'x-session-token': token } }), 400)
  t.equal(signedIn.error.id, 'session_already_available', 'recovery is for people who cannot sign in')
})
