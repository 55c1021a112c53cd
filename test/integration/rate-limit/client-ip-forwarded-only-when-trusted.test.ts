import t from 'tap'
import { mirrorOfEmulator } from '../../helpers/mirror.js'
import { assertLimited, loginForm, WRONG_PASSWORD } from '../../helpers/rate-limit.js'

// RATE_LIMIT_IP_MAX counts request.ip: X-Forwarded-For names the client only when TRUST_PROXY trusts the peer that
// sent it. Each submit names another identifier, so that only the address's count is at stake.
const LIMITS = { RATE_LIMIT_IP_MAX: '3', RATE_LIMIT_IDENTIFIER_MAX: '1000' }
let n = 0
const someone = (): string => `user${++n}@example.com`

t.test('untrusted: X-Forwarded-For is ignored, and changing it does not make a new count', async t => {
  const { app } = await mirrorOfEmulator(t, LIMITS)
  const form = await loginForm(app)
  for (let i = 1; i <= 3; i++) {
    const res = await form.submit(someone(), WRONG_PASSWORD, { headers: { 'x-forwarded-for': `203.0.113.${i}` } })
    t.equal(res.statusCode, 400, `submit ${i} reaches Ory`)
  }
  assertLimited(t, await form.submit(someone(), WRONG_PASSWORD, { headers: { 'x-forwarded-for': '203.0.113.99' } }), 'ip')
  t.equal((await form.submit(someone(), WRONG_PASSWORD, { remoteAddress: '127.0.0.2' })).statusCode, 400, 'another peer has its own count')
})

t.test('trusted (TRUST_PROXY=loopback): each forwarded client has its own count, the proxy none of its own', async t => {
  const { app } = await mirrorOfEmulator(t, { ...LIMITS, TRUST_PROXY: 'loopback' })
  const form = await loginForm(app)
  const from = (client: string): { headers: Record<string, string> } => ({ headers: { 'x-forwarded-for': `198.51.100.250, ${client}` } })
  for (let i = 1; i <= 3; i++) t.equal((await form.submit(someone(), WRONG_PASSWORD, from('203.0.113.1'))).statusCode, 400)
  assertLimited(t, await form.submit(someone(), WRONG_PASSWORD, from('203.0.113.1')), 'ip')
  t.equal((await form.submit(someone(), WRONG_PASSWORD, from('203.0.113.2'))).statusCode, 400, 'the next client behind the same proxy is not held up')
  // IPv6 clients are counted by /64: one host has a whole /64 to pick addresses from.
  for (let i = 1; i <= 3; i++) t.equal((await form.submit(someone(), WRONG_PASSWORD, from(`2001:db8:1:2::${i}`))).statusCode, 400)
  assertLimited(t, await form.submit(someone(), WRONG_PASSWORD, from('2001:db8:1:2:ffff::9')), 'ip')
  t.equal((await form.submit(someone(), WRONG_PASSWORD, from('2001:db8:1:3::1'))).statusCode, 400, 'another /64 has its own count')
})
