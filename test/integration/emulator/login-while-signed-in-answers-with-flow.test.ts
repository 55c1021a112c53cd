import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, messageIds, oryError, PASSWORD, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// selfservice/flow/login/handler.go `updateLoginFlow`: a login flow submitted while signed in (without
// `refresh=true`) goes through `ErrorHandler.WriteFlowError` (selfservice/flow/login/error.go), whose `ParseError`
// (ui/container/container.go) makes a 400 error a message on the flow: 400 with the flow, message 4000001 carrying
// the reason, for API flows and AJAX; a browser navigating is sent to the default return URL.
emulatorTest('submitting a login flow while signed in answers 400 with the flow and message 4000001', async (t, emu) => {
  const { client } = emu
  const { token } = await signUpNative(client, 'ada@example.com')
  const reason = 'A valid session was detected and thus login is not possible. Did you forget to set `?refresh=true`?'
  const body = { method: 'password' as const, identifier: 'ada@example.com', password: PASSWORD }

  const native = await frontend.createNativeLoginFlow(client)
  const api = await oryError(t, frontend.updateLoginFlow(client, { flow: native.body.id, xSessionToken: token, body }), 400)
  t.equal(api.id, native.body.id, 'the flow, not a bare error')
  t.same(messageIds(api), [4000001])
  t.equal(api.ui.messages[0].text, reason)
  t.same(api.ui.messages[0].context, { reason })

  const jar = new CookieJar()
  const browser = await frontend.createBrowserLoginFlow(client)
  if (browser.status !== 200) return
  jar.store(browser.headers['set-cookie'])
  await signInBrowser(client, jar, 'ada@example.com')
  const ajax = await oryError(t, frontend.updateLoginFlow(client, {
    flow: browser.body.id, cookie: jar.header(), body: { ...body, csrf_token: csrfToken(browser.body) }
  }), 400)
  t.equal(ajax.id, browser.body.id)
  t.same(messageIds(ajax), [4000001])

  const page = await frontend.updateLoginFlow(client, {
    flow: browser.body.id, cookie: jar.header(), body: { ...body, csrf_token: csrfToken(browser.body) }
  }, { bodyType: 'form', headers: { accept: 'text/html' } })
  t.equal(page.status, 303)
  t.equal(page.headers.location, 'http://127.0.0.1:4000/')
})
