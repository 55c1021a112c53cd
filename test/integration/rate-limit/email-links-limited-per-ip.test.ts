import t from 'tap'
import { HTML_ACCEPT, mirrorOfEmulator } from '../../helpers/mirror.js'
import { assertLimited, loginForm, WRONG_PASSWORD } from '../../helpers/rate-limit.js'

// The recovery and verification e-mails' links submit their code with GET (through the mirror's pass-through): a code
// guesser could use them instead of the POST submits, so they count toward the same per-IP limit.
t.test('the GET links of recovery and verification count toward the client IP\'s limit with the flow submits', async t => {
  const { app } = await mirrorOfEmulator(t, { RATE_LIMIT_IP_MAX: '3' })
  const link = async (path: string, remoteAddress = '127.0.0.1') => await app.inject({ method: 'GET', url: `/.ory/self-service/${path}?flow=00000000-0000-4000-8000-000000000000&code=123456`, headers: { accept: HTML_ACCEPT }, remoteAddress })
  t.not((await link('verification')).statusCode, 429)
  t.not((await link('recovery')).statusCode, 429)
  const form = await loginForm(app)
  t.equal((await form.submit('someone@example.com', WRONG_PASSWORD)).statusCode, 400, 'a login submit is the third')
  assertLimited(t, await link('verification'), 'ip')
  assertLimited(t, await link('recovery'), 'ip')
  t.not((await link('verification', '192.0.2.20')).statusCode, 429, 'another address has its own count')
  t.not((await app.inject({ method: 'GET', url: '/.ory/.well-known/change-password' })).statusCode, 429, 'the other pass-through paths are not limited')
})
