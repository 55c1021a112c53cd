import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, lastCode, messageIds, signUpNative } from '../../helpers/emulator.js'

// Kratos' code strategy (selfservice/strategy/code/strategy_recovery.go, recoveryIssueSession) with continue_with
// transitions on: a browser's AJAX submit and a native one both get 200 with the recovery flow, passed_challenge,
// whose continue_with names the new settings flow (show_settings_ui); the native one is given its session token
// first (set_ory_session_token), the browser its session cookie.
emulatorTest('recovery: a browser AJAX submit gets 200 with continue_with show_settings_ui, as a native one does', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const json = { headers: { accept: 'application/json' } }

  const jar = new CookieJar()
  const flow = await frontend.createBrowserRecoveryFlow(client, {}, json)
  if (flow.status !== 200) return
  jar.store(flow.headers['set-cookie'])
  await frontend.updateRecoveryFlow(client, { flow: flow.body.id, cookie: jar.header(), body: { method: 'code', email: 'ada@example.com', csrf_token: csrfToken(flow.body) } }, json)
  const done = await frontend.updateRecoveryFlow(client, {
    flow: flow.body.id, cookie: jar.header(), body: { method: 'code', code: await lastCode(client, 'ada@example.com'), csrf_token: csrfToken(flow.body) }
  }, json)
  t.equal(done.status, 200)
  if (done.status !== 200) return
  t.equal(done.body.state, 'passed_challenge')
  t.same(messageIds(done.body), [])
  t.equal(done.body.continue_with?.length, 1)
  const show = done.body.continue_with?.[0]
  t.equal(show?.action, 'show_settings_ui')
  const settingsId = show?.action === 'show_settings_ui' ? show.flow.id : ''
  t.same(show, { action: 'show_settings_ui', flow: { id: settingsId, url: `http://127.0.0.1:4000/settings?flow=${settingsId}` } })
  jar.store(done.headers['set-cookie'])
  const session = await frontend.toSession(client, { cookie: jar.header() })
  t.same(session.body.authentication_methods?.map(m => m.method), ['code_recovery'])
  const settings = await frontend.getSettingsFlow(client, { id: settingsId, cookie: jar.header() })
  t.same(messageIds(settings.body), [1060001])

  const native = await frontend.createNativeRecoveryFlow(client)
  await frontend.updateRecoveryFlow(client, { flow: native.body.id, body: { method: 'code', email: 'ada@example.com' } })
  const recovered = await frontend.updateRecoveryFlow(client, { flow: native.body.id, body: { method: 'code', code: await lastCode(client, 'ada@example.com') } })
  t.equal(recovered.status, 200)
  if (recovered.status !== 200) return
  t.same(recovered.body.continue_with?.map(c => c.action), ['set_ory_session_token', 'show_settings_ui'])
})
