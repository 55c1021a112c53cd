import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, lastCode, messageIds, oryError, PASSWORD, queryOf } from '../../helpers/emulator.js'

// The same life as a browser lives it: a cookie jar of the test's own, the anti-CSRF cookie and the csrf_token field
// carried from each flow to its submit, AJAX (JSON) calls as an SPA makes them and form posts (303) as a plain HTML
// form does.
emulatorTest('browser flows: registration → login → settings → logout → recovery → verification', async (t, emu) => {
  const { client } = emu
  const jar = new CookieJar()
  const email = 'grace@example.com'
  const html = { headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' } }

  // Registration (AJAX)
  const registration = await frontend.createBrowserRegistrationFlow(client)
  t.equal(registration.status, 200)
  if (registration.status !== 200) return
  jar.store(registration.headers['set-cookie'])
  const csrfCookie = jar.names().find(n => n.startsWith('csrf_token_'))
  t.match(csrfCookie, /^csrf_token_[0-9a-f]{64}$/, 'the anti-CSRF cookie is named like Kratos names it')
  t.match(jar.attributes(csrfCookie!), { httponly: '', samesite: 'Lax', path: '/' })
  t.not(csrfToken(registration.body), jar.get(csrfCookie!), 'the form carries a masked token, not the cookie')
  const fetched = await frontend.getRegistrationFlow(client, { id: registration.body.id, cookie: jar.header() })
  t.equal(fetched.body.id, registration.body.id)

  const signedUp = await frontend.updateRegistrationFlow(client, {
    flow: registration.body.id,
    cookie: jar.header(),
    body: { method: 'password', password: PASSWORD, traits: { email, name: { first: 'Grace', last: 'Hopper' } }, csrf_token: csrfToken(registration.body) }
  })
  t.equal(signedUp.status, 200)
  if (signedUp.status !== 200) return
  t.equal(signedUp.body.session_token, undefined, 'browsers get a cookie, never a token')
  t.same((signedUp.body.continue_with ?? []).map(c => c.action), ['show_verification_ui', 'redirect_browser_to'])
  jar.store(signedUp.headers['set-cookie'])
  // Host-only: no Domain unless one is configured (session/manager_http.go `IssueCookie`).
  t.match(jar.attributes('ory_kratos_session'), { path: '/', httponly: '', samesite: 'Lax' })
  t.notOk('domain' in jar.attributes('ory_kratos_session'))
  t.notOk('secure' in jar.attributes('ory_kratos_session'), 'no Secure over http')
  const me = await frontend.toSession(client, { cookie: jar.header() })
  t.equal(me.body.identity?.id, signedUp.body.identity.id)

  // Logout (AJAX): the logout URL, then 204
  const logout = await frontend.createBrowserLogoutFlow(client, { cookie: jar.header() })
  t.equal(new URL(logout.body.logout_url).origin, new URL(emu.baseUrl).origin)
  t.equal(queryOf(logout.body.logout_url, 'token'), logout.body.logout_token)
  const loggedOut = await frontend.updateLogoutFlow(client, { token: logout.body.logout_token, cookie: jar.header() })
  t.equal(loggedOut.status, 204)
  jar.store(loggedOut.headers['set-cookie'])
  t.equal(jar.get('ory_kratos_session'), undefined, 'the session cookie is cleared')
  await oryError(t, frontend.toSession(client, { cookie: jar.header() }), 401)

  // Login as an HTML form does: form body, 303 to the default return URL
  const login = await frontend.createBrowserLoginFlow(client, { cookie: jar.header() }, html)
  t.equal(login.status, 303)
  const loginId = queryOf(login.headers.location, 'flow')!
  t.equal(String(login.headers.location), `http://127.0.0.1:4000/login?flow=${loginId}`)
  jar.store(login.headers['set-cookie'])
  const loginFlow = await frontend.getLoginFlow(client, { id: loginId, cookie: jar.header() })
  const signedIn = await frontend.updateLoginFlow(client, {
    flow: loginId,
    cookie: jar.header(),
    body: { method: 'password', identifier: email, password: PASSWORD, csrf_token: csrfToken(loginFlow.body) }
  }, { ...html, bodyType: 'form' })
  t.equal(signedIn.status, 303)
  t.equal(signedIn.headers.location, 'http://127.0.0.1:4000/')
  jar.store(signedIn.headers['set-cookie'])

  // Settings as a form: 303 back to the settings page, which then shows success
  const settings = await frontend.createBrowserSettingsFlow(client, { cookie: jar.header() })
  t.equal(settings.status, 200)
  if (settings.status !== 200) return
  const saved = await frontend.updateSettingsFlow(client, {
    flow: settings.body.id,
    cookie: jar.header(),
    body: { method: 'profile', traits: { email, name: { first: 'Grace Brewster', last: 'Hopper' } }, csrf_token: csrfToken(settings.body) }
  }, { ...html, bodyType: 'form' })
  t.equal(saved.status, 303)
  t.equal(saved.headers.location, `http://127.0.0.1:4000/settings?flow=${settings.body.id}`)
  const after = await frontend.getSettingsFlow(client, { id: settings.body.id, cookie: jar.header() })
  t.equal(after.body.state, 'success')
  t.same(after.body.identity.traits, { email, name: { first: 'Grace Brewster', last: 'Hopper' } })
  const changed = await frontend.updateSettingsFlow(client, {
    flow: settings.body.id,
    cookie: jar.header(),
    body: { method: 'password', password: 'another long passphrase 99', csrf_token: csrfToken(settings.body) }
  })
  t.equal(changed.status, 200)

  // Logout as a link: 303 to return_to
  const link = await frontend.createBrowserLogoutFlow(client, { cookie: jar.header(), return_to: 'http://127.0.0.1:4000/bye' })
  t.equal(queryOf(link.body.logout_url, 'return_to'), 'http://127.0.0.1:4000/bye')
  const followed = await frontend.updateLogoutFlow(client, { token: link.body.logout_token, return_to: 'http://127.0.0.1:4000/bye', cookie: jar.header() }, html)
  t.equal(followed.status, 303)
  t.equal(followed.headers.location, 'http://127.0.0.1:4000/bye')
  jar.store(followed.headers['set-cookie'])

  // Recovery (AJAX): the code from the courier; the answer names the settings flow to show (continue_with, as
  // Kratos' `recoveryIssueSession` in selfservice/strategy/code/strategy_recovery.go does with continue_with
  // transitions on) and sets the session cookie
  const recovery = await frontend.createBrowserRecoveryFlow(client)
  if (recovery.status !== 200) return
  jar.store(recovery.headers['set-cookie'])
  const sent = await frontend.updateRecoveryFlow(client, {
    flow: recovery.body.id,
    cookie: jar.header(),
    body: { method: 'code', email, csrf_token: csrfToken(recovery.body) }
  })
  t.equal(sent.status, 200)
  const recovered = await frontend.updateRecoveryFlow(client, {
    flow: recovery.body.id,
    cookie: jar.header(),
    body: { method: 'code', code: await lastCode(client, email), csrf_token: csrfToken(recovery.body) }
  }, { headers: { accept: 'application/json' } })
  t.equal(recovered.status, 200)
  if (recovered.status !== 200) return
  const showSettings = recovered.body.continue_with?.find(c => c.action === 'show_settings_ui')
  const settingsUrl = showSettings?.action === 'show_settings_ui' ? String(showSettings.flow.url) : ''
  t.match(settingsUrl, /^http:\/\/127\.0\.0\.1:4000\/settings\?flow=/)
  jar.store(recovered.headers['set-cookie'])
  const recoveredSession = await frontend.toSession(client, { cookie: jar.header() })
  t.same(recoveredSession.body.authentication_methods?.map(m => m.method), ['code_recovery'])
  const recoverySettings = await frontend.getSettingsFlow(client, { id: queryOf(settingsUrl, 'flow')!, cookie: jar.header() })
  t.same(messageIds(recoverySettings.body), [1060001])

  // Verification as a form: code by email, 303s back to the verification page
  const verification = await frontend.createBrowserVerificationFlow(client, {}, html)
  t.equal(verification.status, 303)
  const verificationId = queryOf(verification.headers.location, 'flow')!
  jar.store(verification.headers['set-cookie'])
  const verificationFlow = await frontend.getVerificationFlow(client, { id: verificationId, cookie: jar.header() })
  const emailed = await frontend.updateVerificationFlow(client, {
    flow: verificationId,
    cookie: jar.header(),
    body: { method: 'code', email, csrf_token: csrfToken(verificationFlow.body) }
  }, { ...html, bodyType: 'form' })
  t.equal(emailed.status, 303)
  const verified = await frontend.updateVerificationFlow(client, {
    flow: verificationId,
    cookie: jar.header(),
    body: { method: 'code', code: await lastCode(client, email), csrf_token: csrfToken(verificationFlow.body) }
  }, { ...html, bodyType: 'form' })
  t.equal(verified.status, 303)
  t.equal(verified.headers.location, `http://127.0.0.1:4000/verification?flow=${verificationId}`)
  const done = await frontend.getVerificationFlow(client, { id: verificationId, cookie: jar.header() })
  t.equal(done.body.state, 'passed_challenge')
  t.same(messageIds(done.body), [1080002])
})
