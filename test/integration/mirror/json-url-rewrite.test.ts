import t from 'tap'
import { Browser, csrfToken, mirrorOfEmulator, PASSWORD } from '../../helpers/mirror.js'

const PUBLIC = 'http://localhost:4000/.ory'

t.test('Ory\'s URLs in flows, sessions and logout answers point at the mirror; the SPA\'s URLs stay', async t => {
  const { app, emu } = await mirrorOfEmulator(t)
  const browser = new Browser(app)

  const registration = await browser.json('GET', '/.ory/self-service/registration/browser?return_to=http://localhost:4000/welcome')
  const flow = registration.json()
  t.equal(flow.ui.action, `${PUBLIC}/self-service/registration?flow=${flow.id}`, 'ui.action')
  t.equal(flow.request_url, `${PUBLIC}/self-service/registration/browser?return_to=${encodeURIComponent('http://localhost:4000/welcome')}`, 'request_url')
  t.equal(flow.return_to, 'http://localhost:4000/welcome', 'return_to is the SPA\'s')
  t.notOk(registration.body.includes(emu.url), 'no trace of the upstream\'s address')

  const done = await browser.json('POST', `/.ory/self-service/registration?flow=${flow.id}`, {
    method: 'password', password: PASSWORD, traits: { email: 'urls@example.com', name: { first: 'U', last: 'R' } }, csrf_token: csrfToken(flow)
  })
  const body = done.json()
  t.equal(body.identity.schema_url, `${PUBLIC}/schemas/ZGVmYXVsdA`, 'identity.schema_url')
  const redirect = body.continue_with.find((c: { action: string }) => c.action === 'redirect_browser_to')
  t.equal(redirect.redirect_browser_to, 'http://localhost:4000/welcome')
  const verification = body.continue_with.find((c: { action: string }) => c.action === 'show_verification_ui')
  t.ok(verification.flow.url === undefined || !String(verification.flow.url).includes(emu.url), 'continue_with flow URLs do not point at Ory')

  const logout = await browser.json('GET', '/.ory/self-service/logout/browser')
  t.match(logout.json().logout_url, new RegExp(`^${PUBLIC.replaceAll('.', '\\.')}/self-service/logout\\?token=ory_lo_`), 'logout_url')

  const schema = await browser.json('GET', new URL(body.identity.schema_url).pathname)
  t.equal(schema.statusCode, 200, 'the rewritten schema_url is served by the mirror')
  t.equal(typeof schema.json().properties, 'object')
})

t.test('URLs on a custom domain of the project (ORY_CUSTOM_DOMAINS) are rewritten too', async t => {
  const { app } = await mirrorOfEmulator(t, { ORY_CUSTOM_DOMAINS: 'https://auth.example.com' }, { baseUrl: 'https://auth.example.com' })
  const flow = await app.inject({ url: '/.ory/self-service/login/browser', headers: { accept: 'application/json' } })
  t.equal(flow.json().ui.action, `${PUBLIC}/self-service/login?flow=${flow.json().id}`)
  t.notOk(flow.body.includes('auth.example.com'))
})

t.test('without ORY_CUSTOM_DOMAINS a URL on an unknown host is left alone', async t => {
  const { app } = await mirrorOfEmulator(t, {}, { baseUrl: 'https://auth.example.com' })
  const flow = await app.inject({ url: '/.ory/self-service/login/browser', headers: { accept: 'application/json' } })
  t.equal(flow.json().ui.action, `https://auth.example.com/self-service/login?flow=${flow.json().id}`)
})
