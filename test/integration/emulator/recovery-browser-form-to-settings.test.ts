import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, lastCode, messageIds, queryOf, signUpNative } from '../../helpers/emulator.js'

// A recovered browser must land on the settings page: a form post is redirected there (303) with the session cookie
// (Kratos' `recoveryIssueSession`, selfservice/strategy/code/strategy_recovery.go). An AJAX submit is answered with
// the flow and continue_with instead (recovery-success-continue-with.test.ts).
emulatorTest('recovery in a browser: a form post is sent to the settings page, signed in', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')

  const jar = new CookieJar()
  const flow = await frontend.createBrowserRecoveryFlow(client, {}, { headers: { accept: 'application/json' } })
  if (flow.status !== 200) return
  jar.store(flow.headers['set-cookie'])
  await frontend.updateRecoveryFlow(client, { flow: flow.body.id, cookie: jar.header(), body: { method: 'code', email: 'ada@example.com', csrf_token: csrfToken(flow.body) } }, { headers: { accept: 'application/json' } })
  const form = await frontend.updateRecoveryFlow(client, {
    flow: flow.body.id, cookie: jar.header(), body: { method: 'code', code: await lastCode(client, 'ada@example.com'), csrf_token: csrfToken(flow.body) }
  }, { bodyType: 'form', headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } })
  t.equal(form.status, 303)
  t.match(String(form.headers.location), /^http:\/\/127\.0\.0\.1:4000\/settings\?flow=/)
  jar.store(form.headers['set-cookie'])
  const settings = await frontend.getSettingsFlow(client, { id: queryOf(form.headers.location, 'flow')!, cookie: jar.header() })
  t.same(messageIds(settings.body), [1060001])
  t.match(settings.body.ui.messages?.[0]?.text, /within the next 15\.00 minutes/)
  const recovered = await frontend.getRecoveryFlow(client, { id: flow.body.id, cookie: jar.header() })
  t.equal(recovered.body.state, 'passed_challenge')
})
