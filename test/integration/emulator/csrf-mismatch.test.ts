import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, oryError, PASSWORD, queryOf, signUpNative } from '../../helpers/emulator.js'

// security_csrf_violation: a browser flow is only completed by the browser holding the anti-CSRF cookie it was made
// for, with the csrf_token its form carried.
emulatorTest('a browser flow submitted with a csrf_token that does not match the cookie is refused with 403', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'victim@example.com')
  const victim = new CookieJar()
  const flow = await frontend.createBrowserLoginFlow(client)
  if (flow.status !== 200) return
  victim.store(flow.headers['set-cookie'])

  // The attacker's own flow and token, submitted against the victim's flow with the victim's cookie.
  const attackerFlow = await frontend.createBrowserLoginFlow(client)
  if (attackerFlow.status !== 200) return
  const body = { method: 'password' as const, identifier: 'victim@example.com', password: PASSWORD }

  const mismatch = await oryError(t, frontend.updateLoginFlow(client, {
    flow: flow.body.id, cookie: victim.header(), body: { ...body, csrf_token: csrfToken(attackerFlow.body) }
  }), 403)
  t.equal(mismatch.error.id, 'security_csrf_violation')
  t.match(mismatch.error.details.reject_reason, /do not match/)

  const noCookie = await oryError(t, frontend.updateLoginFlow(client, { flow: flow.body.id, body: { ...body, csrf_token: csrfToken(flow.body) } }), 403)
  t.equal(noCookie.error.id, 'security_csrf_violation')
  t.equal(noCookie.error.details.reject_reason, 'The HTTP cookie header is empty or not set.')

  const noToken = await oryError(t, frontend.updateLoginFlow(client, { flow: flow.body.id, cookie: victim.header(), body }), 403)
  t.match(noToken.error.details.reject_reason, /CSRF token was not included/)

  const fetched = await oryError(t, frontend.getLoginFlow(client, { id: flow.body.id }), 403)
  t.equal(fetched.error.id, 'security_csrf_violation', 'fetching a browser flow needs its cookie too')

  // A form post (no JSON) is sent to the error page; the error is read back from /self-service/errors.
  const form = await frontend.updateLoginFlow(client, {
    flow: flow.body.id, cookie: victim.header(), body: { ...body, csrf_token: csrfToken(attackerFlow.body) }
  }, { bodyType: 'form', headers: { accept: 'text/html' } })
  t.equal(form.status, 303)
  t.match(String(form.headers.location), /^http:\/\/127\.0\.0\.1:4000\/error\?id=/)
  const stored = await frontend.getFlowError(client, { id: queryOf(form.headers.location, 'id')! })
  t.equal((stored.body.error as { id?: string }).id, 'security_csrf_violation')

  t.equal(emu.state.sessions.size, 1, 'no session was created by any of the refused submits')
  const ok = await frontend.updateLoginFlow(client, { flow: flow.body.id, cookie: victim.header(), body: { ...body, csrf_token: csrfToken(flow.body) } })
  t.equal(ok.status, 200, 'the right cookie and token still work')
})
