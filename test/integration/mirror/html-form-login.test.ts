import t from 'tap'
import { Browser, csrfToken, mirrorOfEmulator, PASSWORD, pathOf } from '../../helpers/mirror.js'

// A page without JavaScript: links and <form method="POST" action="{ui.action}"> posting
// application/x-www-form-urlencoded, following Ory's 303s. The browser only ever talks to the BFF's origin.
t.test('a plain HTML form signs up, signs in and logs out through the mirror', async t => {
  const { app } = await mirrorOfEmulator(t)
  const browser = new Browser(app)

  // Sign-up: the link starts the flow, Ory sends the browser to the SPA's registration page with the flow id.
  const start = await browser.navigate('/.ory/self-service/registration/browser')
  t.equal(start.statusCode, 303)
  const registrationPage = new URL(String(start.headers.location))
  t.equal(registrationPage.origin + registrationPage.pathname, 'http://localhost:4000/registration')
  const flowId = registrationPage.searchParams.get('flow')!
  // The page renders the form from the flow (fetched as JSON, as a server-rendered page would).
  const flow = (await browser.json('GET', `/.ory/self-service/registration/flows?id=${flowId}`)).json()
  t.equal(flow.ui.method, 'POST')
  const signedUp = await browser.submitForm(pathOf(flow.ui.action), {
    csrf_token: csrfToken(flow),
    'traits.email': 'form@example.com',
    'traits.name.first': 'Form',
    'traits.name.last': 'User',
    password: PASSWORD,
    method: 'password'
  })
  t.equal(signedUp.statusCode, 303, 'a form post gets a redirect, not JSON')
  t.equal(signedUp.headers.location, 'http://localhost:4000/')
  t.ok(browser.jar.get('ory_kratos_session'), 'signed in by signing up')

  // Log out with the logout link.
  const logout = (await browser.json('GET', '/.ory/self-service/logout/browser')).json()
  const loggedOut = await browser.navigate(pathOf(logout.logout_url))
  t.equal(loggedOut.statusCode, 303)
  t.equal(browser.jar.get('ory_kratos_session'), undefined, 'the session cookie is cleared')
  t.equal((await browser.json('GET', '/.ory/sessions/whoami')).statusCode, 401)

  // Sign in with the form.
  const login = await browser.navigate('/.ory/self-service/login/browser?return_to=http://localhost:4000/account')
  const loginId = new URL(String(login.headers.location)).searchParams.get('flow')!
  const loginFlow = (await browser.json('GET', `/.ory/self-service/login/flows?id=${loginId}`)).json()
  const wrong = await browser.submitForm(pathOf(loginFlow.ui.action), { csrf_token: csrfToken(loginFlow), identifier: 'form@example.com', password: 'wrong password!', method: 'password' })
  t.equal(wrong.statusCode, 303, 'a wrong password sends the browser back to the form')
  t.equal(wrong.headers.location, `http://localhost:4000/login?flow=${loginId}`)
  const signedIn = await browser.submitForm(pathOf(loginFlow.ui.action), { csrf_token: csrfToken(loginFlow), identifier: 'form@example.com', password: PASSWORD, method: 'password' })
  t.equal(signedIn.statusCode, 303)
  t.equal(signedIn.headers.location, 'http://localhost:4000/account', 'to return_to')
  const me = await browser.json('GET', '/.ory/sessions/whoami')
  t.equal(me.statusCode, 200)
  t.equal(me.json().identity.traits.email, 'form@example.com')
})

t.test('a form post without the CSRF token is refused by Ory, as it would be without the BFF', async t => {
  const { app } = await mirrorOfEmulator(t)
  const browser = new Browser(app)
  const login = await browser.json('GET', '/.ory/self-service/login/browser')
  const res = await app.inject({
    method: 'POST',
    url: `/.ory/self-service/login?flow=${login.json().id}`,
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', cookie: browser.jar.header() },
    payload: 'identifier=a%40example.com&password=x&method=password'
  })
  t.equal(res.statusCode, 403)
  t.equal(res.json().error.id, 'security_csrf_violation')
})
