import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, oryError, PASSWORD, queryOf, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// Changing the password or the email needs a privileged session: signed in within the last 15 minutes (Kratos'
// privileged_session_max_age). Later, Kratos asks to sign in again with refresh=true; other traits stay editable.
emulatorTest('settings: password and identifier changes need a recent sign-in (session_refresh_required)', async (t, emu) => {
  const { client, clock } = emu
  const { token } = await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeSettingsFlow(client, { xSessionToken: token })
  clock.advance(16 * 60_000)

  const refused = await oryError(t, frontend.updateSettingsFlow(client, {
    flow: flow.body.id, xSessionToken: token, body: { method: 'password', password: 'a brand new passphrase' }
  }), 403)
  t.equal(refused.error.id, 'session_refresh_required')
  const to = new URL(refused.redirect_browser_to)
  t.equal(`${to.origin}${to.pathname}`, `${emu.baseUrl}/self-service/login/browser`)
  t.equal(to.searchParams.get('refresh'), 'true')
  // Kratos' `ErrorHandler.reauthenticate` (selfservice/flow/settings/error.go): back to the settings submit URL.
  t.equal(to.searchParams.get('return_to'), `${emu.baseUrl}/self-service/settings?flow=${flow.body.id}`)
  await oryError(t, frontend.updateSettingsFlow(client, {
    flow: flow.body.id, xSessionToken: token, body: { method: 'profile', traits: { email: 'ada.lovelace@example.com' } }
  }), 403)
  const name = await frontend.updateSettingsFlow(client, {
    flow: flow.body.id, xSessionToken: token, body: { method: 'profile', traits: { email: 'ada@example.com', name: { first: 'Ada' } } }
  })
  t.equal(name.status, 200, 'a name is not a credential: no re-authentication')

  // A browser: the form is sent to sign in again, then the change goes through.
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  const settings = await frontend.createBrowserSettingsFlow(client, { cookie: jar.header() })
  if (settings.status !== 200) return
  clock.advance(16 * 60_000)
  const form = await frontend.updateSettingsFlow(client, {
    flow: settings.body.id, cookie: jar.header(), body: { method: 'password', password: 'a brand new passphrase', csrf_token: csrfToken(settings.body) }
  }, { bodyType: 'form', headers: { accept: 'text/html' } })
  t.equal(form.status, 303)
  t.equal(queryOf(form.headers.location, 'refresh'), 'true')

  const refresh = await frontend.createBrowserLoginFlow(client, { cookie: jar.header(), refresh: true, return_to: queryOf(form.headers.location, 'return_to')! })
  if (refresh.status !== 200) return
  t.equal(refresh.body.refresh, true)
  t.same(refresh.body.ui.messages?.map(m => m.id), [1010003])
  const before = await frontend.toSession(client, { cookie: jar.header() })
  const again = await frontend.updateLoginFlow(client, {
    flow: refresh.body.id, cookie: jar.header(), body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD, csrf_token: csrfToken(refresh.body) }
  }, { bodyType: 'form', headers: { accept: 'text/html' } })
  t.equal(again.headers.location, `${emu.baseUrl}/self-service/settings?flow=${settings.body.id}`, 'back to the settings flow')
  jar.store(again.headers['set-cookie'])
  const after = await frontend.toSession(client, { cookie: jar.header() })
  t.equal(after.body.id, before.body.id, 'the same session, re-authenticated')
  t.ok(Date.parse(after.body.authenticated_at!) > Date.parse(before.body.authenticated_at!))
  t.equal(after.body.authentication_methods?.length, 2)

  // Kratos' settings submit also answers GET and resumes the change its continuity container kept
  // (selfservice/flow/settings/strategy_helper.go, PrepareUpdate): the new password is set without another form.
  const resumed = await fetch(String(again.headers.location).replace(emu.baseUrl, emu.url), { redirect: 'manual', headers: { accept: 'text/html', cookie: jar.header() } })
  t.equal(resumed.status, 303)
  t.equal(resumed.headers.get('location'), `http://127.0.0.1:4000/settings?flow=${settings.body.id}`)
  const saved = await frontend.getSettingsFlow(client, { id: settings.body.id, cookie: jar.header() })
  t.equal(saved.body.state, 'success')
  const login = await frontend.createNativeLoginFlow(client)
  const signedIn = await frontend.updateLoginFlow(client, { flow: login.body.id, body: { method: 'password', identifier: 'ada@example.com', password: 'a brand new passphrase' } })
  t.equal(signedIn.status, 200, 'the kept password is the new one')
})
