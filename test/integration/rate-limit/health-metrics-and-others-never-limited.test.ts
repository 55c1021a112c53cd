import t from 'tap'
import { mirrorOfEmulator } from '../../helpers/mirror.js'
import { ADA_EMAIL, assertLimited, loginForm, seedOf, WRONG_PASSWORD } from '../../helpers/rate-limit.js'

// Probes and scrapes come from one address many times a minute; the SPA's other calls are not guesses. None of them
// is counted, and none is refused when the address is over its limit.
t.test('an address over its limit still gets /health/*, /metrics and every route that is not a sign-in submit', async t => {
  const { app } = await mirrorOfEmulator(t, { RATE_LIMIT_IP_MAX: '1', RATE_LIMIT_IDENTIFIER_MAX: '1' }, { seed: seedOf(ADA_EMAIL) })
  const form = await loginForm(app)
  t.equal((await form.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode, 400)
  assertLimited(t, await form.submit(ADA_EMAIL, WRONG_PASSWORD), 'ip')

  const unlimited = [
    '/health/alive', '/health/ready', '/metrics',
    '/.ory/self-service/login/browser', '/.ory/self-service/registration/browser', '/.ory/sessions/whoami',
    '/api/session', '/openapi.json'
  ]
  for (let round = 0; round < 20; round++) {
    for (const url of unlimited) {
      const res = await app.inject({ method: 'GET', url, headers: { accept: 'application/json', cookie: form.browser.jar.header() } })
      if (res.statusCode === 429 || res.statusCode >= 500) t.fail(`${url} answered ${res.statusCode}`)
    }
  }
  t.pass('160 requests from the limited address, none refused')
  assertLimited(t, await form.submit(ADA_EMAIL, WRONG_PASSWORD), 'ip')
})
