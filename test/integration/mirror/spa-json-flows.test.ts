import t from 'tap'
import { Browser, csrfToken, mirrorOfEmulator, PASSWORD } from '../../helpers/mirror.js'

// What an SPA does with fetch: JSON in, JSON out, the cookies handled by the browser.
t.test('registration, whoami, settings, sessions and logout as JSON calls through the mirror', async t => {
  const { app } = await mirrorOfEmulator(t)
  const browser = new Browser(app)

  const registration = (await browser.json('GET', '/.ory/self-service/registration/browser')).json()
  const signedUp = await browser.json('POST', `/.ory/self-service/registration?flow=${registration.id}`, {
    method: 'password', password: PASSWORD, traits: { email: 'spa@example.com', name: { first: 'S', last: 'PA' } }, csrf_token: csrfToken(registration)
  })
  t.equal(signedUp.statusCode, 200)
  t.equal(signedUp.json().session_token, undefined, 'browsers get a cookie, never a token')

  const me = await browser.json('GET', '/.ory/sessions/whoami')
  t.equal(me.statusCode, 200)
  t.equal(me.json().identity.traits.email, 'spa@example.com')

  const settings = (await browser.json('GET', '/.ory/self-service/settings/browser')).json()
  const saved = await browser.json('POST', `/.ory/self-service/settings?flow=${settings.id}`, {
    method: 'profile', traits: { email: 'spa@example.com', name: { first: 'Single Page', last: 'App' } }, csrf_token: csrfToken(settings)
  })
  t.equal(saved.statusCode, 200)
  t.equal(saved.json().identity.traits.name.first, 'Single Page')

  const sessions = await browser.json('GET', '/.ory/sessions')
  t.equal(sessions.statusCode, 200)
  t.same(sessions.json(), [], 'no other session')

  const logout = (await browser.json('GET', '/.ory/self-service/logout/browser')).json()
  const token = new URL(logout.logout_url).searchParams.get('token')!
  const done = await browser.json('GET', `/.ory/self-service/logout?token=${token}`)
  t.equal(done.statusCode, 204)
  t.equal((await browser.json('GET', '/.ory/sessions/whoami')).statusCode, 401)
})

t.test('a missing field is left to Ory, which answers with its own message on the form', async t => {
  const { app } = await mirrorOfEmulator(t)
  const browser = new Browser(app)
  const login = (await browser.json('GET', '/.ory/self-service/login/browser')).json()
  const res = await browser.json('POST', `/.ory/self-service/login?flow=${login.id}`, { method: 'password', identifier: 'a@example.com', csrf_token: csrfToken(login) })
  t.equal(res.statusCode, 400)
  const password = res.json().ui.nodes.find((n: { attributes: { name?: string } }) => n.attributes.name === 'password')
  t.same(password.messages.map((m: { id: number }) => m.id), [4000002], 'Ory\'s "property password is missing"')
})
