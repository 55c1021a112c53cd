import t from 'tap'
import { Browser, cookieAttributes, csrfToken, mirrorOfEmulator, PASSWORD, setCookies } from '../../helpers/mirror.js'

// Behind TLS (PUBLIC_URL https), every cookie is Secure, even one Ory sent without it (the emulator on plain http
// does), and COOKIE_DOMAIN shares it with the sibling hosts of the BFF's domain.
t.test('https PUBLIC_URL with COOKIE_DOMAIN: Secure, Domain=COOKIE_DOMAIN', async t => {
  const { app } = await mirrorOfEmulator(t, { PUBLIC_URL: 'https://app.example.test', COOKIE_DOMAIN: 'example.test' })
  const browser = new Browser(app)

  const flow = await browser.json('GET', '/.ory/self-service/login/browser')
  const [csrf] = setCookies(flow)
  t.same(cookieAttributes(csrf!), { 'max-age': '31536000', path: '/', httponly: '', samesite: 'Lax', domain: 'example.test', secure: '' })

  const registration = await browser.json('GET', '/.ory/self-service/registration/browser')
  const done = await browser.json('POST', `/.ory/self-service/registration?flow=${registration.json().id}`, {
    method: 'password', password: PASSWORD, traits: { email: 'tls@example.com', name: { first: 'T', last: 'S' } }, csrf_token: csrfToken(registration.json())
  })
  t.equal(done.statusCode, 200)
  const session = setCookies(done).find(line => line.startsWith('ory_kratos_session='))!
  t.match(cookieAttributes(session), { domain: 'example.test', secure: '', httponly: '', samesite: 'Lax', path: '/' })
  t.notOk(session.includes('127.0.0.1'), 'the emulator\'s own Domain is gone')
})

t.test('https PUBLIC_URL without COOKIE_DOMAIN: Secure and host-only', async t => {
  const { app } = await mirrorOfEmulator(t, { PUBLIC_URL: 'https://app.example.test' })
  const flow = await app.inject({ url: '/.ory/self-service/login/browser', headers: { accept: 'application/json' } })
  const attributes = cookieAttributes(setCookies(flow)[0]!)
  t.equal(attributes.secure, '')
  t.notOk('domain' in attributes)
})
