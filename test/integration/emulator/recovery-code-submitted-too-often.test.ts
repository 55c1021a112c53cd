import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, lastCode, messageIds, queryOf, signUpNative } from '../../helpers/emulator.js'

// Kratos counts every code submitted to a flow, right or wrong (`useOneTimeCode` and `incrementOTPCodeSubmitCount`
// in persistence/sql/persister_code.go); past `max_submissions` (5 by default) it answers `ErrCodeSubmittedTooOften`
// without looking at the code. `recoveryUseCode` (selfservice/strategy/code/strategy_recovery.go) hands that error to
// `retryRecoveryFlow`, which makes a new flow carrying the reason as 4000001 and redirects (303): a JSON client to
// the new flow's fetch URL, a browser to the recovery UI.
emulatorTest('the sixth recovery code submitted to a flow is refused with a new flow, even the right one', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeRecoveryFlow(client)
  await frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', email: 'ada@example.com' } })
  const code = await lastCode(client, 'ada@example.com')
  const wrongCode = code === '000000' ? '111111' : '000000'
  for (let i = 0; i < 5; i++) {
    const wrong = await frontend.updateRecoveryFlow(client, { flow: flow.body.id, body: { method: 'code', code: wrongCode } })
    if (wrong.status === 200) t.same(messageIds(wrong.body), [4060006], `wrong code ${i + 1} of 5 is only wrong`)
    else t.fail(`wrong code ${i + 1}: ${wrong.status}`)
  }

  const sixth = await fetch(`${emu.url}/self-service/recovery?flow=${flow.body.id}`, {
    method: 'POST', redirect: 'manual', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ method: 'code', code })
  })
  t.equal(sixth.status, 303)
  const location = sixth.headers.get('location') ?? ''
  t.ok(location.startsWith(`${emu.baseUrl}/self-service/recovery/flows?id=`), location)
  const id = queryOf(location, 'id')
  t.not(id, flow.body.id, 'a new flow')
  const retried = await frontend.getRecoveryFlow(client, { id: id! })
  t.equal(retried.body.state, 'choose_method')
  t.same(messageIds(retried.body), [4000001])
  t.equal(retried.body.ui.messages?.[0]?.text, 'The request was submitted too often. Please request another code.')
  t.equal(emu.state.sessions.size, 1, 'the right code signed no one in (only sign-up\'s session exists)')
})
