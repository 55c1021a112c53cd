import t from 'tap'
import { SPA_FETCH, startOAuth2Bff } from '../../helpers/oauth2.js'
import { assertLimited, metric } from '../../helpers/rate-limit.js'

// Each GET /api/oauth2/login seals a transaction cookie and sends the browser to the provider: counted with the
// sign-in submits, per client IP.
t.test('GET /api/oauth2/login is limited per client IP; another address is not held up, nor are the other OAuth2 routes', async t => {
  const { app } = await startOAuth2Bff(t, { env: { RATE_LIMIT_IP_MAX: '3' } })
  const login = async (remoteAddress = '127.0.0.1') => await app.inject({ method: 'GET', url: '/api/oauth2/login', remoteAddress })
  for (let i = 0; i < 3; i++) t.equal((await login()).statusCode, 302)
  const limited = await login()
  assertLimited(t, limited, 'ip')
  t.equal(limited.headers['set-cookie'], undefined, 'no transaction cookie for a refused login')
  t.equal((await login('192.0.2.10')).statusCode, 302, 'another address has its own count')
  t.equal((await app.inject({ method: 'GET', url: '/api/oauth2/user', headers: SPA_FETCH })).statusCode, 401, 'the other routes answer as ever')
  t.equal(await metric(app, 'ory_bff_rate_limited_total{limit="ip"}'), 1)
})
