import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, messageIds, node, oryError, PASSWORD, queryOf, signUpNative } from '../../helpers/emulator.js'

// Wrong password or unknown account: 400 with the flow and message 4000006, the same either way (no enumeration);
// the identifier stays in the form, the password does not.
emulatorTest('a wrong password answers 400 with the flow and message 4000006', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')

  const flow = await frontend.createNativeLoginFlow(client)
  const wrong = await oryError(t, frontend.updateLoginFlow(client, {
    flow: flow.body.id, body: { method: 'password', identifier: 'ada@example.com', password: 'not the password' }
  }), 400)
  t.equal(wrong.id, flow.body.id, 'the same flow comes back')
  t.same(messageIds(wrong), [4000006])
  t.equal(wrong.ui.messages[0].text, 'The provided credentials are invalid, check for spelling mistakes in your password or username, email address, or phone number.')
  t.equal(node(wrong, 'identifier')?.attributes && (node(wrong, 'identifier')!.attributes as { value?: unknown }).value, 'ada@example.com')
  t.notOk('value' in (node(wrong, 'password')!.attributes), 'the password is not echoed')

  const unknown = await oryError(t, frontend.updateLoginFlow(client, {
    flow: flow.body.id, body: { method: 'password', identifier: 'nobody@example.com', password: PASSWORD }
  }), 400)
  t.same(messageIds(unknown), [4000006], 'an unknown account looks the same')

  const missing = await oryError(t, frontend.updateLoginFlow(client, { flow: flow.body.id, body: { method: 'password', identifier: '', password: '' } }), 400)
  t.same(messageIds(missing, 'identifier'), [4000002])
  t.same(messageIds(missing, 'password'), [4000002])

  // A browser form gets a 303 back to the login page, where the flow shows the message.
  const jar = new CookieJar()
  const browser = await frontend.createBrowserLoginFlow(client)
  if (browser.status !== 200) return
  jar.store(browser.headers['set-cookie'])
  const back = await frontend.updateLoginFlow(client, {
    flow: browser.body.id,
    cookie: jar.header(),
    body: { method: 'password', identifier: 'ada@example.com', password: 'nope', csrf_token: csrfToken(browser.body) }
  }, { bodyType: 'form', headers: { accept: 'text/html' } })
  t.equal(back.status, 303)
  t.equal(queryOf(back.headers.location, 'flow'), browser.body.id)
  const shown = await frontend.getLoginFlow(client, { id: browser.body.id, cookie: jar.header() })
  t.same(messageIds(shown.body), [4000006])
  t.equal(emu.state.sessions.size, 1, 'only the sign-up session exists')
})
