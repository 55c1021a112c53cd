import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

t.test('without TRUST_PROXY the client IP is the peer\'s: a forged X-Forwarded-For is not believed', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}))
  await app.inject({ url: '/.ory/sessions/whoami', remoteAddress: '198.51.100.4', headers: { 'x-forwarded-for': '203.0.113.66', 'true-client-ip': '203.0.113.66' } })
  t.equal(calls()[0]?.headers['x-forwarded-for'], '198.51.100.4')
  t.equal(calls()[0]?.headers['true-client-ip'], '198.51.100.4')
})

t.test('with trusted hops the client is the first address a trusted proxy names', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}), { TRUST_PROXY: '10.0.0.0/8' })
  // The browser forged 203.0.113.66; the trusted proxy 10.0.0.2 appended the address it saw, 198.51.100.9.
  await app.inject({ url: '/.ory/sessions/whoami', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.66, 198.51.100.9' } })
  t.equal(calls()[0]?.headers['x-forwarded-for'], '198.51.100.9')
  t.equal(calls()[0]?.headers['true-client-ip'], '198.51.100.9')
})
