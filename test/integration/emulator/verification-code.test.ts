import { courier, frontend, identity } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, messageIds, oryError, PASSWORD, queryOf } from '../../helpers/emulator.js'

// Registration sends a verification code at once (continue_with show_verification_ui); the code, typed in or
// followed as the email's link, marks the address verified.
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
  const opened = await fetch(link.replace(emu.baseUrl, emu.url), { redirect: 'manual', headers: { accept: 'text/html' } })
  t.equal(opened.status, 200, 'the flow came from a native sign-up, so the answer is the flow as JSON, not a redirect')
  t.equal(((await opened.json()) as { state: string }).state, 'passed_challenge')

  const after = await frontend.getVerificationFlow(client, { id: show.flow.id })
  t.equal(after.body.state, 'passed_challenge')
  t.same(messageIds(after.body), [1080002])
  const login = await frontend.createNativeLoginFlow(client)
  const session = await frontend.updateLoginFlow(client, { flow: login.body.id, body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD } })
  if (session.status !== 200) return
  t.match(session.body.session.identity?.verifiable_addresses?.[0], { verified: true, status: 'completed' })
  t.type(session.body.session.identity?.verifiable_addresses?.[0]?.verified_at, 'string')

  const reused = await oryError(t, frontend.updateVerificationFlow(client, { flow: show.flow.id, body: { method: 'code', code: '123456' } }), 400)
  t.same(messageIds(reused), [4070002], 'a finished flow cannot be submitted again')
})

emulatorTest('the email\'s link verifies a browser flow and redirects to the verification page', async (t, emu) => {
  const { client } = emu
  await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'grace@example.com' } } })
  const jar = new CookieJar()
  const flow = await frontend.createBrowserVerificationFlow(client)
  if (flow.status !== 200) return
  jar.store(flow.headers['set-cookie'])
  await frontend.updateVerificationFlow(client, { flow: flow.body.id, cookie: jar.header(), body: { method: 'code', email: 'grace@example.com', csrf_token: csrfToken(flow.body) } })
  const message = (await courier.listCourierMessages(client, { recipient: 'grace@example.com' })).body[0]!
  const link = /http:\/\/\S+/.exec(message.body)![0]
  // No CSRF token in a link: the code is the proof, and it works from a mail client's browser without the cookie.
  const opened = await fetch(link.replace(emu.baseUrl, emu.url), { redirect: 'manual', headers: { accept: 'text/html' } })
  t.equal(opened.status, 303)
  t.equal(opened.headers.get('location'), `http://127.0.0.1:4000/verification?flow=${flow.body.id}`)
  const verified = await identity.listIdentities(client, { credentials_identifier: 'grace@example.com' })
  t.equal(verified.body[0]?.verifiable_addresses?.[0]?.verified, true)
})
