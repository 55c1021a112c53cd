import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, messageIds, oryError, PASSWORD, queryOf, signUpNative } from '../../helpers/emulator.js'

// A flow lives an hour (Kratos' default). Fetched after that: 410 self_service_flow_expired. Submitted after that:
// a replacement flow carrying an "expired" message, named in the 410 (use_flow_id), or, for a browser form, opened.
emulatorTest('an expired flow answers 410 self_service_flow_expired and points to its replacement', async (t, emu) => {
  const { client, clock } = emu
  await signUpNative(client, 'ada@example.com')
  const native = await frontend.createNativeLoginFlow(client)
  const jar = new CookieJar()
  const browser = await frontend.createBrowserLoginFlow(client)
  if (browser.status !== 200) return
  jar.store(browser.headers['set-cookie'])
  const registration = await frontend.createNativeRegistrationFlow(client)

  clock.advance(60 * 60_000 + 1_000)

  const fetched = await oryError(t, frontend.getLoginFlow(client, { id: native.body.id }), 410)
  t.equal(fetched.error.id, 'self_service_flow_expired')
  t.equal(fetched.error.details.api, `${emu.baseUrl}/self-service/login/api`)
  const fetchedBrowser = await oryError(t, frontend.getLoginFlow(client, { id: browser.body.id, cookie: jar.header() }), 410)
  t.equal(fetchedBrowser.error.details.redirect_to, `${emu.baseUrl}/self-service/login/browser`)

  const submitted = await oryError(t, frontend.updateLoginFlow(client, {
    flow: native.body.id, body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD }
  }), 410)
  t.equal(submitted.error.id, 'self_service_flow_expired')
  t.type(submitted.expired_at, 'string')
  const replacement = await frontend.getLoginFlow(client, { id: submitted.use_flow_id })
  t.same(messageIds(replacement.body), [4010001], 'the new flow says why')
  const ok = await frontend.updateLoginFlow(client, {
    flow: replacement.body.id, body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD }
  })
  t.equal(ok.status, 200, 'and it works')

  const form = await frontend.updateLoginFlow(client, {
    flow: browser.body.id, cookie: jar.header(), body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD, csrf_token: csrfToken(browser.body) }
  }, { bodyType: 'form', headers: { accept: 'text/html' } })
  t.equal(form.status, 303, 'a browser form is sent to the replacement')
  const replacementId = queryOf(form.headers.location, 'flow')!
  t.not(replacementId, browser.body.id)
  t.match(String(form.headers.location), /^http:\/\/127\.0\.0\.1:4000\/login\?flow=/)

  const expiredRegistration = await oryError(t, frontend.updateRegistrationFlow(client, {
    flow: registration.body.id, body: { method: 'password', password: PASSWORD, traits: { email: 'new@example.com' } }
  }), 410)
  const newRegistration = await frontend.getRegistrationFlow(client, { id: expiredRegistration.use_flow_id })
  t.same(messageIds(newRegistration.body), [4040001])
  t.equal(emu.state.identities.size, 1, 'the expired registration created no one')
})
