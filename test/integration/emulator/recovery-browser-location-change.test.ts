import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, lastCode, messageIds, oryError, queryOf, signUpNative } from '../../helpers/emulator.js'

async function codeSent (emu: Parameters<Parameters<typeof emulatorTest>[1]>[1], jar: CookieJar) {
  const flow = await frontend.createBrowserRecoveryFlow(emu.client)
  if (flow.status !== 200) throw new Error('expected JSON')
  jar.store(flow.headers['set-cookie'])
  await frontend.updateRecoveryFlow(emu.client, { flow: flow.body.id, cookie: jar.header(), body: { method: 'code', email: 'ada@example.com', csrf_token: csrfToken(flow.body) } })
  return flow.body
}

// A recovered browser must land on the settings page. A form post is redirected there (303); an AJAX call cannot
// move the browser itself, so Kratos answers 422 browser_location_change_required with redirect_browser_to.
emulatorTest('recovery in a browser: 303 to settings for a form, 422 browser_location_change_required for AJAX', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')

  const ajaxJar = new CookieJar()
  const ajaxFlow = await codeSent(emu, ajaxJar)
  const ajax = await oryError(t, frontend.updateRecoveryFlow(client, {
    flow: ajaxFlow.id, cookie: ajaxJar.header(), body: { method: 'code', code: await lastCode(client, 'ada@example.com'), csrf_token: csrfToken(ajaxFlow) }
  }), 422)
  t.equal(ajax.error.id, 'browser_location_change_required')
  t.equal(ajax.error.code, 422)
  t.equal(ajax.error.reason, `In order to complete this flow please redirect the browser to: ${ajax.redirect_browser_to}`)
  t.match(ajax.redirect_browser_to, /^http:\/\/127\.0\.0\.1:4000\/settings\?flow=[0-9a-f-]{36}$/)

  const formJar = new CookieJar()
  const formFlow = await codeSent(emu, formJar)
  const form = await frontend.updateRecoveryFlow(client, {
    flow: formFlow.id, cookie: formJar.header(), body: { method: 'code', code: await lastCode(client, 'ada@example.com'), csrf_token: csrfToken(formFlow) }
  }, { bodyType: 'form', headers: { accept: 'text/html' } })
  t.equal(form.status, 303)
  t.match(String(form.headers.location), /^http:\/\/127\.0\.0\.1:4000\/settings\?flow=/)
  formJar.store(form.headers['set-cookie'])
  const settings = await frontend.getSettingsFlow(client, { id: queryOf(form.headers.location, 'flow')!, cookie: formJar.header() })
  t.same(messageIds(settings.body), [1060001])
  t.match(settings.body.ui.messages?.[0]?.text, /within the next 15\.00 minutes/)
  const recovered = await frontend.getRecoveryFlow(client, { id: formFlow.id, cookie: formJar.header() })
  t.equal(recovered.body.state, 'passed_challenge')
})
