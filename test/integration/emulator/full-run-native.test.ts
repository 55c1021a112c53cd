import { courier, frontend } from '../../../src/ory/index.js'
import { emulatorTest, lastCode, messageIds, node, oryError, PASSWORD } from '../../helpers/emulator.js'

// A native app's whole life with one account, through the typed client only: sign up, sign in, change profile and
// password, sign out, recover the account with the code from the courier, verify the email. Each success body is
// checked against its model by the client, every response by the emulatorTest recorder.
emulatorTest('native flows: registration → login → settings → logout → recovery → verification', async (t, emu) => {
  const { client } = emu
  const email = 'ada@example.com'

  // Registration
  const registration = await frontend.createNativeRegistrationFlow(client)
  t.equal(registration.body.type, 'api')
  t.equal(registration.body.ui.action, `${emu.baseUrl}/self-service/registration?flow=${registration.body.id}`, 'ui.action is absolute on the emulator')
  t.ok(node(registration.body, 'traits.email'), 'the schema\'s traits are in the form')
  const signedUp = await frontend.updateRegistrationFlow(client, {
    flow: registration.body.id,
    body: { method: 'password', password: PASSWORD, traits: { email, name: { first: 'Ada', last: 'Lovelace' } } }
  })
  t.equal(signedUp.status, 200)
  if (signedUp.status !== 200) return
  t.match(signedUp.body.session_token, /^ory_st_/)
  t.equal(signedUp.body.identity.traits && (signedUp.body.identity.traits as { email: string }).email, email)
  const actions = (signedUp.body.continue_with ?? []).map(c => c.action)
  t.same(actions, ['set_ory_session_token', 'show_verification_ui'])
  t.notOk('credentials' in signedUp.body.identity, 'no credentials on the public identity')

  const whoami = await frontend.toSession(client, { xSessionToken: signedUp.body.session_token })
  t.equal(whoami.body.identity?.id, signedUp.body.identity.id)
  t.equal(whoami.body.authenticator_assurance_level, 'aal1')

  // Login
  const login = await frontend.createNativeLoginFlow(client)
  const signedIn = await frontend.updateLoginFlow(client, { flow: login.body.id, body: { method: 'password', identifier: email, password: PASSWORD } })
  t.equal(signedIn.status, 200)
  if (signedIn.status !== 200) return
  const token = signedIn.body.session_token!
  t.not(token, signedUp.body.session_token, 'a new session')
  t.same(signedIn.body.session.authentication_methods?.map(m => m.method), ['password'])

  // Settings: profile, then password
  const settings = await frontend.createNativeSettingsFlow(client, { xSessionToken: token })
  t.equal(settings.body.identity.id, signedUp.body.identity.id)
  const profile = await frontend.updateSettingsFlow(client, {
    flow: settings.body.id,
    xSessionToken: token,
    body: { method: 'profile', traits: { email, name: { first: 'Augusta Ada', last: 'King' } } }
  })
  t.equal(profile.status, 200)
  if (profile.status !== 200) return
  t.equal(profile.body.state, 'success')
  t.same(messageIds(profile.body), [1050001])
  const newPassword = 'a much longer new passphrase 2024'
  const changed = await frontend.updateSettingsFlow(client, {
    flow: settings.body.id,
    xSessionToken: token,
    body: { method: 'password', password: newPassword }
  })
  t.equal(changed.status, 200)
  if (changed.status !== 200) return
  t.equal(changed.body.state, 'success')

  // Logout
  const loggedOut = await frontend.performNativeLogout(client, { body: { session_token: token } })
  t.equal(loggedOut.status, 204)
  const gone = await oryError(t, frontend.toSession(client, { xSessionToken: token }), 401)
  // session/handler.go `whoami` answers an ended session with session/error.go `ErrNoSessionFound` (no id).
  t.equal(gone.error.reason, 'No valid session credentials found in the request.')

  // The old password no longer works, the new one does.
  const relogin = await frontend.createNativeLoginFlow(client)
  const wrong = await oryError(t, frontend.updateLoginFlow(client, { flow: relogin.body.id, body: { method: 'password', identifier: email, password: PASSWORD } }), 400)
  t.same(messageIds(wrong), [4000006])
  const right = await frontend.updateLoginFlow(client, { flow: relogin.body.id, body: { method: 'password', identifier: email, password: newPassword } })
  t.equal(right.status, 200)

  // Recovery with the code from the courier
  const recovery = await frontend.createNativeRecoveryFlow(client)
  const sent = await frontend.updateRecoveryFlow(client, { flow: recovery.body.id, body: { method: 'code', email } })
  t.equal(sent.status, 200)
  if (sent.status !== 200) return
  t.equal(sent.body.state, 'sent_email')
  t.same(messageIds(sent.body), [1060003])
  const recoveryMessages = await courier.listCourierMessages(client, { recipient: email })
  t.equal(recoveryMessages.body[0]?.template_type, 'recovery_code_valid')
  const recovered = await frontend.updateRecoveryFlow(client, { flow: recovery.body.id, body: { method: 'code', code: await lastCode(client, email) } })
  t.equal(recovered.status, 200)
  if (recovered.status !== 200) return
  t.equal(recovered.body.state, 'passed_challenge')
  const [setToken, showSettings] = recovered.body.continue_with ?? []
  t.equal(setToken?.action, 'set_ory_session_token')
  t.equal(showSettings?.action, 'show_settings_ui')
  const recoveryToken = setToken?.action === 'set_ory_session_token' ? setToken.ory_session_token : ''
  const recoverySession = await frontend.toSession(client, { xSessionToken: recoveryToken })
  t.same(recoverySession.body.authentication_methods?.map(m => m.method), ['code_recovery'])
  if (showSettings?.action === 'show_settings_ui') {
    const afterRecovery = await frontend.getSettingsFlow(client, { id: showSettings.flow.id, xSessionToken: recoveryToken })
    t.same(messageIds(afterRecovery.body), [1060001], 'the settings flow says the account was recovered')
  }

  // Verification with the code from the courier (recovery verified the address already; a fresh identity's is not)
  const other = 'grace@example.com'
  const flowForOther = await frontend.createNativeRegistrationFlow(client)
  await frontend.updateRegistrationFlow(client, { flow: flowForOther.body.id, body: { method: 'password', password: PASSWORD, traits: { email: other } } })
  const verification = await frontend.createNativeVerificationFlow(client)
  const verificationSent = await frontend.updateVerificationFlow(client, { flow: verification.body.id, body: { method: 'code', email: other } })
  t.equal(verificationSent.status, 200)
  const verified = await frontend.updateVerificationFlow(client, { flow: verification.body.id, body: { method: 'code', code: await lastCode(client, other) } })
  t.equal(verified.status, 200)
  if (verified.status !== 200) return
  t.equal(verified.body.state, 'passed_challenge')
  t.same(messageIds(verified.body), [1080002])
  const otherLogin = await frontend.createNativeLoginFlow(client)
  const otherSession = await frontend.updateLoginFlow(client, { flow: otherLogin.body.id, body: { method: 'password', identifier: other, password: PASSWORD } })
  if (otherSession.status !== 200) return
  const address = otherSession.body.session.identity?.verifiable_addresses?.[0]
  t.equal(address?.verified, true)
  t.equal(address?.status, 'completed')
})
