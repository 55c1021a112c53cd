import { courier, frontend, identity } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, messageIds, node, queryOf } from '../../helpers/emulator.js'

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

// Kratos' code strategy (selfservice/strategy/code/strategy_verification.go, verificationHandleFormSubmission and
// handleLinkClick): a GET with a code does not verify. It writes the code into the flow's code field, gives the flow
// a fresh anti-CSRF token (the link may open in a browser without the cookie) and sends the browser to the
// verification UI, where the user submits the filled-in form.
emulatorTest('the verification email\'s link pre-fills the code and opens the UI; the form submit verifies', async (t, emu) => {
  const { client } = emu
  await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'grace@example.com' } } })
  const sender = new CookieJar()
  const flow = await frontend.createBrowserVerificationFlow(client, {}, { headers: { accept: 'application/json' } })
  if (flow.status !== 200) return
  sender.store(flow.headers['set-cookie'])
  await frontend.updateVerificationFlow(client, {
    flow: flow.body.id, cookie: sender.header(), body: { method: 'code', email: 'grace@example.com', csrf_token: csrfToken(flow.body) }
  }, { headers: { accept: 'application/json' } })
  const message = (await courier.listCourierMessages(client, { recipient: 'grace@example.com' })).body[0]!
  const link = /http:\/\/\S+/.exec(message.body)![0]
  const code = queryOf(link, 'code')!

  // Opened in another browser (a mail client's), without the flow's cookie.
  const reader = new CookieJar()
  const opened = await fetch(link.replace(emu.baseUrl, emu.url), { redirect: 'manual', headers: { accept: HTML } })
  t.equal(opened.status, 303)
  t.equal(opened.headers.get('location'), `http://127.0.0.1:4000/verification?flow=${flow.body.id}`)
  reader.store(opened.headers.getSetCookie())
  t.ok(reader.names().some(n => n.startsWith('csrf_token_')), 'a new anti-CSRF cookie')
  const unverified = await identity.listIdentities(client, { credentials_identifier: 'grace@example.com' })
  t.equal(unverified.body[0]?.verifiable_addresses?.[0]?.verified, false, 'the link alone verifies nothing')

  const shown = await frontend.getVerificationFlow(client, { id: flow.body.id, cookie: reader.header() })
  t.equal(shown.body.state, 'sent_email')
  const field = node(shown.body, 'code')
  t.equal(field !== undefined && 'value' in field.attributes ? field.attributes.value : undefined, code, 'the code field is filled in')

  const submitted = await frontend.updateVerificationFlow(client, {
    flow: flow.body.id, cookie: reader.header(), body: { method: 'code', code, csrf_token: csrfToken(shown.body) }
  }, { headers: { accept: 'application/json' } })
  t.equal(submitted.status, 200)
  if (submitted.status === 200) {
    t.equal(submitted.body.state, 'passed_challenge')
    t.same(messageIds(submitted.body), [1080002])
  }
  const verified = await identity.listIdentities(client, { credentials_identifier: 'grace@example.com' })
  t.equal(verified.body[0]?.verifiable_addresses?.[0]?.verified, true)

  // The link opened again, once the flow has passed (strategy_verification.go `Verify` →
  // `retryVerificationFlowWithMessage`): the browser is sent to a new flow that says the request was completed.
  const again = await fetch(link.replace(emu.baseUrl, emu.url), { redirect: 'manual', headers: { accept: HTML } })
  t.equal(again.status, 303)
  const replacementId = queryOf(again.headers.get('location')!, 'flow')!
  t.not(replacementId, flow.body.id, 'to a new flow')
  reader.store(again.headers.getSetCookie())
  const replacement = await frontend.getVerificationFlow(client, { id: replacementId, cookie: reader.header() })
  t.same(messageIds(replacement.body), [4070002])
})
