import t from 'tap'
import { mirrorOfEmulator } from '../../helpers/mirror.js'
import { ADA_EMAIL, loginForm, seedOf, WRONG_PASSWORD } from '../../helpers/rate-limit.js'

// RATE_LIMIT=off, for a deployment whose gateway limits these routes: every submit reaches Ory.
t.test('RATE_LIMIT=off: more submits than the default limits allow all reach Ory', async t => {
  const { app } = await mirrorOfEmulator(t, { RATE_LIMIT: 'off' }, { seed: seedOf(ADA_EMAIL) })
  t.equal(app.rateLimits.enabled, false)
  const form = await loginForm(app)
  const statuses = new Set<number>()
  for (let i = 0; i < 15; i++) statuses.add((await form.submit(ADA_EMAIL, WRONG_PASSWORD)).statusCode)
  t.same([...statuses], [400], '15 wrong passwords for one identifier, each answered by Ory')
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.notMatch(metrics, /^ory_bff_rate_limited_total\{/m, 'nothing refused')
})
