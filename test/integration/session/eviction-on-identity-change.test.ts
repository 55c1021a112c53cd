import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { body, SAME_ORIGIN, sessionJson, withUpstream } from '../../helpers/session.js'

// Flows that change what whoami answers for the same cookie (settings change traits, a second factor raises the AAL,
// verification marks an address, recovery) evict the cached session once Ory has answered, so that the SPA's next
// look at the session is Ory's, not the cache's. The TTL is an hour and the clock stands still.

const cookie = 'ory_kratos_session=ada'
const flows = [
  { operation: 'updateSettingsFlow', url: '/.ory/self-service/settings?flow=f1', payload: { method: 'profile', traits: { email: 'augusta@example.com' } } },
  { operation: 'updateLoginFlow', url: '/.ory/self-service/login?flow=f2', payload: { method: 'totp', totp_code: '123456' } },
  { operation: 'updateVerificationFlow', url: '/.ory/self-service/verification?flow=f3', payload: { method: 'code', code: '123456' } },
  { operation: 'updateRecoveryFlow', url: '/.ory/self-service/recovery?flow=f4', payload: { method: 'code', code: '123456' } }
]

for (const flow of flows) {
  t.test(`${flow.operation} evicts the request's session`, async t => {
    let email = 'ada@example.com'
    const { app, whoami } = await withUpstream(t, (req, res) => {
      if (req.url.startsWith('/sessions/whoami')) return json(res, 200, sessionJson('http://127.0.0.1', { email }))
      // Ory applied the flow: whoami answers differently from now on.
      email = 'augusta@example.com'
      json(res, 200, { id: 'f', state: 'success', ui: { action: '', method: 'POST', nodes: [] } })
    }, { SESSION_CACHE_TTL_MS: '3600000' })
    const before = await app.inject({ url: '/api/session', headers: { cookie } })
    t.equal(body(before).identity.traits.email, 'ada@example.com')
    t.equal(body(await app.inject({ url: '/api/session', headers: { cookie } })).identity.traits.email, 'ada@example.com', 'cached')
    t.equal(whoami().length, 1)

    const done = await app.inject({ method: 'POST', url: flow.url, headers: { cookie, accept: 'application/json', ...SAME_ORIGIN }, payload: flow.payload })
    t.equal(done.statusCode, 200)
    const after = await app.inject({ url: '/api/session', headers: { cookie } })
    t.equal(body(after).identity.traits.email, 'augusta@example.com', 'Ory was asked again')
    t.equal(whoami().length, 2)
  })
}
