import t from 'tap'
import { Browser, csrfToken, mirrorOfEmulator, PASSWORD } from '../../helpers/mirror.js'

// Ory's own errors are the SPA's to read: status and body as Ory sent them, only Ory's URLs rewritten.
t.test('401, 403, 400 and 410 from Ory reach the browser unchanged apart from the URLs', async t => {
  const { app, emu } = await mirrorOfEmulator(t, {}, { flowLifespanMs: 60_000 })
  const browser = new Browser(app)

  const whoami = await browser.json('GET', '/.ory/sessions/whoami')
  t.equal(whoami.statusCode, 401)
  // Kratos's whoami answers with session/error.go `ErrNoSessionFound`, which has no id (session/handler.go, `whoami`).
  const unauthorized = whoami.json()
  t.same(unauthorized, { error: { code: 401, status: 'Unauthorized', request: unauthorized.error.request, reason: 'No valid session credentials found in the request.', message: 'The request could not be authorized' } })

  const login = (await browser.json('GET', '/.ory/self-service/login/browser')).json()
  const csrf = await app.inject({ method: 'POST', url: `/.ory/self-service/login?flow=${login.id}`, headers: { accept: 'application/json', 'content-type': 'application/json' }, payload: JSON.stringify({ method: 'password', identifier: 'a', password: 'b' }) })
  t.equal(csrf.statusCode, 403)
  t.equal(csrf.json().error.id, 'security_csrf_violation')
  t.equal(csrf.json().error.details.reject_reason, 'The HTTP cookie header is empty or not set.')

  const wrong = await browser.json('POST', `/.ory/self-service/login?flow=${login.id}`, { method: 'password', identifier: 'nobody@example.com', password: 'x', csrf_token: csrfToken(login) })
  t.equal(wrong.statusCode, 400, 'the flow with its messages')
  t.same(wrong.json().ui.messages.map((m: { id: number }) => m.id), [4000006])
  t.equal(wrong.json().ui.action, `http://localhost:4000/.ory/self-service/login?flow=${login.id}`, 'URLs inside the error rewritten')

  // A 410: the flow has expired.
  const { state } = emu
  const stored = state.flows.get(login.id)!
  stored.expiresAt = Date.now() - 1000
  const expired = await browser.json('GET', `/.ory/self-service/login/flows?id=${login.id}`)
  t.equal(expired.statusCode, 410)
  t.equal(expired.json().error.id, 'self_service_flow_expired')
  t.match(expired.json().error.details.redirect_to, /^http:\/\/localhost:4000\/\.ory\/self-service\/login\/browser/)

  // Recovery's success answer (no longer a 422: Kratos' `recoveryIssueSession` in
  // selfservice/strategy/code/strategy_recovery.go answers an AJAX submit with the flow and continue_with when
  // continue_with transitions are on, the emulator's mode): the settings URL rewritten, the session cookie passed on.
  const registration = (await browser.json('GET', '/.ory/self-service/registration/browser')).json()
  await browser.json('POST', `/.ory/self-service/registration?flow=${registration.id}`, { method: 'password', password: PASSWORD, traits: { email: 'err@example.com', name: { first: 'E', last: 'R' } }, csrf_token: csrfToken(registration) })
  const other = new Browser(app)
  const recovery = (await other.json('GET', '/.ory/self-service/recovery/browser')).json()
  await other.json('POST', `/.ory/self-service/recovery?flow=${recovery.id}`, { method: 'code', email: 'err@example.com', csrf_token: csrfToken(recovery) })
  const message = state.messages.find(m => m.recipient === 'err@example.com' && m.templateType === 'recovery_code_valid')
  const code = /\b(\d{6})\b/.exec(message?.body ?? '')?.[1]
  const change = await other.json('POST', `/.ory/self-service/recovery?flow=${recovery.id}`, { method: 'code', code, csrf_token: csrfToken(recovery) })
  t.equal(change.statusCode, 200)
  const show = change.json().continue_with.find((c: { action: string }) => c.action === 'show_settings_ui')
  t.match(show?.flow.url, /^http:\/\/localhost:4000\/settings\?flow=/)
  t.ok(other.jar.get('ory_kratos_session'), 'the session cookie is passed on (rewritten)')
})
