import t from 'tap'
import { Browser, cookieAttributes, csrfToken, mirrorOfEmulator, PASSWORD, setCookies } from '../../helpers/mirror.js'

// Ory (here the emulator on its public URL https://ory.example.test) sets Secure cookies for its own domain. Behind
// the BFF on plain-http local development, the browser must get them host-only and without Secure, or it would
// refuse them (another domain) or never send them back (Secure over http).
t.test('http PUBLIC_URL: Ory\'s cookies become host-only, not Secure, everything else kept', async t => {
  const { app } = await mirrorOfEmulator(t, { ORY_CUSTOM_DOMAINS: 'https://ory.example.test' }, { baseUrl: 'https://ory.example.test' })
  const browser = new Browser(app)

  const flow = await browser.json('GET', '/.ory/self-service/registration/browser')
  t.equal(flow.statusCode, 200)
  const [csrf] = setCookies(flow)
  t.match(csrf, /^csrf_token_[0-9a-f]{64}=/)
  t.same(cookieAttributes(csrf!), { 'max-age': '31536000', path: '/', httponly: '', samesite: 'Lax' }, 'no Secure, no Domain')

  const done = await browser.json('POST', `/.ory/self-service/registration?flow=${flow.json().id}`, {
    method: 'password', password: PASSWORD, traits: { email: 'http@example.com', name: { first: 'H', last: 'T' } }, csrf_token: csrfToken(flow.json())
  })
  t.equal(done.statusCode, 200)
  const session = setCookies(done).find(line => line.startsWith('ory_kratos_session='))!
  const attributes = cookieAttributes(session)
  t.notOk('secure' in attributes, 'Secure removed')
  t.notOk('domain' in attributes, 'Domain removed: host-only on the BFF\'s origin')
  t.equal(attributes.path, '/')
  t.equal(attributes.samesite, 'Lax')
  t.equal(attributes.httponly, '')
  t.ok(Number(attributes['max-age']) > 86_000, 'Max-Age kept')
  t.ok(Date.parse(attributes.expires!) > Date.now(), 'Expires kept')

  const me = await browser.json('GET', '/.ory/sessions/whoami')
  t.equal(me.statusCode, 200, 'the browser sends the cookie back and Ory accepts it')
  t.equal(me.json().identity.traits.email, 'http@example.com')
})
