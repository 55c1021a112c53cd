import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, messageIds, oryError, PASSWORD, queryOf } from '../../helpers/emulator.js'

// Registration sends a verification code at once (continue_with show_verification_ui); the code, typed in or
// filled in by the email's link, marks the address verified.
emulatorTest('verification: the code sent at sign-up verifies the address; wrong codes are 4070006', async (t, emu) => {
  const { client } = emu
  const registration = await frontend.createNativeRegistrationFlow(client)
  const done = await frontend.updateRegistrationFlow(client, {
    flow: registration.body.id, body: { method: 'password', password: PASSWORD, traits: { email: 'ada@example.com' } }
  })
  if (done.status !== 200) return
  t.equal(done.body.identity.verifiable_addresses?.[0]?.status, 'sent')
  const show = done.body.continue_with?.find(c => c.action === 'show_verification_ui')
  if (show?.action !== 'show_verification_ui') {
    t.fail('no show_verification_ui')
    return
  }
  t.equal(show.flow.verifiable_address, 'ada@example.com')
  t.equal(show.flow.url, `http://127.0.0.1:4000/verification?flow=${show.flow.id}`)

  const flow = await frontend.getVerificationFlow(client, { id: show.flow.id })
  t.equal(flow.body.state, 'sent_email')
  // Kratos' `verificationUseCode` (selfservice/strategy/code/strategy_verification.go) answers a wrong code with the
  // flow and http.StatusOK.
  const wrong = await frontend.updateVerificationFlow(client, { flow: show.flow.id, body: { method: 'code', code: '000000x' } })
  t.equal(wrong.status, 200)
  if (wrong.status === 200) t.same(messageIds(wrong.body), [4070006])

  // The email's link: GET /self-service/verification?flow=…&code=….
  const message = emu.state.messages.find(m => m.templateType === 'verification_code_valid')!
  const link = /http:\/\/\S+/.exec(message.body)![0]
  t.equal(queryOf(link, 'flow'), show.flow.id)
  // Kratos' `handleLinkClick` (selfservice/strategy/code/strategy_verification.go) sends even a native flow's link to
  // the verification UI with the code filled in; the form's submit verifies.
  const opened = await fetch(link.replace(emu.baseUrl, emu.url), { redirect: 'manual', headers: { accept: 'text/html' } })
  t.equal(opened.status, 303)
  t.equal(opened.headers.get('location'), `http://127.0.0.1:4000/verification?flow=${show.flow.id}`)
  const filled = await frontend.updateVerificationFlow(client, { flow: show.flow.id, body: { method: 'code', code: queryOf(link, 'code')! } })
  t.equal(filled.status, 200)

  const after = await frontend.getVerificationFlow(client, { id: show.flow.id })
  t.equal(after.body.state, 'passed_challenge')
  t.same(messageIds(after.body), [1080002])
  const login = await frontend.createNativeLoginFlow(client)
  const session = await frontend.updateLoginFlow(client, { flow: login.body.id, body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD } })
  if (session.status !== 200) return
  t.match(session.body.session.identity?.verifiable_addresses?.[0], { verified: true, status: 'completed' })
  t.type(session.body.session.identity?.verifiable_addresses?.[0]?.verified_at, 'string')

  // strategy_verification.go `Verify` → `retryVerificationFlowWithMessage`: a finished flow is replaced by a new one
  // carrying 4070002, which a JSON client is pointed at with a 410.
  const reused = await oryError(t, frontend.updateVerificationFlow(client, { flow: show.flow.id, body: { method: 'code', code: '123456' } }), 410)
  t.equal(reused.error.id, 'self_service_flow_replaced', 'a finished flow cannot be submitted again')
  const replacement = await frontend.getVerificationFlow(client, { id: reused.use_flow_id })
  t.same(messageIds(replacement.body), [4070002])
  t.equal(replacement.body.state, 'choose_method')
})
