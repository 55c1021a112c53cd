import { frontend, identity } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, oryError, queryOf, signUpNative } from '../../helpers/emulator.js'

// The identity admin API's recovery code and link work in the recovery flow: the code, typed into the flow the link
// names (no anti-CSRF cookie needed, as no browser started it), signs the user in and opens a settings flow; the link
// does the same in one GET, once. Unknown identities and bad expiries are refused as Kratos does.
emulatorTest('admin recovery code and link: both recover the account', async (t, emu) => {
  const { client } = emu
  const ada = await signUpNative(client, 'ada@example.com')

  const code = await identity.createRecoveryCodeForIdentity(client, { body: { identity_id: ada.identityId, expires_in: '15m' } })
  t.equal(code.status, 201)
  t.match(code.body.recovery_code, /^\d{6}$/)
  const flowId = queryOf(code.body.recovery_link, 'flow')!
  t.ok(code.body.recovery_link.startsWith('http://127.0.0.1:4000/recovery?'), 'the recovery UI with the flow')
  t.ok(Math.abs(Date.parse(code.body.expires_at!) - (emu.clock.now() + 15 * 60_000)) < 5_000)

  const flow = await frontend.getRecoveryFlow(client, { id: flowId })
  t.equal(flow.body.state, 'sent_email')
  const jar = new CookieJar()
  const wrong = await frontend.updateRecoveryFlow(client, { flow: flowId, body: { method: 'code', code: code.body.recovery_code === '000000' ? '111111' : '000000' } })
  t.equal(wrong.status, 200, 'a wrong code: the flow again, with a message')
  const done = await frontend.updateRecoveryFlow(client, { flow: flowId, body: { method: 'code', code: code.body.recovery_code } })
  t.equal(done.status, 200)
  if (done.status === 200) {
    t.equal(done.body.state, 'passed_challenge')
    t.ok(done.body.continue_with?.some(c => c.action === 'show_settings_ui'))
  }
  jar.store(done.headers['set-cookie'])
  const session = await frontend.toSession(client, { cookie: jar.header() })
  t.equal(session.body.identity?.id, ada.identityId, 'signed in as the identity')

  const link = await identity.createRecoveryLinkForIdentity(client, { body: { identity_id: ada.identityId } })
  t.equal(link.status, 200)
  const url = new URL(link.body.recovery_link)
  t.equal(url.pathname, '/self-service/recovery')
  const opened = await fetch(url, { redirect: 'manual' })
  t.equal(opened.status, 303)
  t.ok(opened.headers.get('location')!.startsWith('http://127.0.0.1:4000/settings?flow='), 'to the settings UI')
  t.match(opened.headers.getSetCookie().join('; '), /ory_kratos_session=/)
  const reused = await fetch(url, { redirect: 'manual' })
  const retryId = queryOf(reused.headers.get('location'), 'flow')!
  t.ok(reused.headers.get('location')!.startsWith('http://127.0.0.1:4000/recovery?flow='), 'a used link: a new recovery flow')
  const retryJar = new CookieJar()
  retryJar.store(reused.headers.getSetCookie())
  const retry = await frontend.getRecoveryFlow(client, { id: retryId, cookie: retryJar.header() })
  t.same(retry.body.ui.messages?.map(m => m.id), [4060004])

  await oryError(t, identity.createRecoveryCodeForIdentity(client, { body: { identity_id: '00000000-0000-4000-8000-000000000000' } }), 404)
  await oryError(t, identity.createRecoveryLinkForIdentity(client, { body: { identity_id: '00000000-0000-4000-8000-000000000000' } }), 400)
  await oryError(t, identity.createRecoveryCodeForIdentity(client, { body: { identity_id: ada.identityId, expires_in: 'soon' } }), 400)
})
