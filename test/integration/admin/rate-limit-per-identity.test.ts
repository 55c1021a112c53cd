import t from 'tap'
import { ADA, ADMIN_TUPLE, adminApp, adminCall, GRACE, KETO_POLICY, signIn } from '../../helpers/admin.js'

t.test('ADMIN_RATE_LIMIT counts each identity\'s admin calls: over it a 429 in Ory\'s shape with Retry-After; others are not held up', async t => {
  const { app } = await adminApp(t, {
    env: { ...KETO_POLICY, ADMIN_RATE_LIMIT: '3', ADMIN_RATE_LIMIT_WINDOW_MS: '60000' },
    tuples: [ADMIN_TUPLE, { ...ADMIN_TUPLE, subject_id: GRACE.id }]
  })
  const ada = await signIn(t, app, ADA)
  const grace = await signIn(t, app, GRACE)
  for (let i = 0; i < 3; i++) t.equal((await adminCall(ada, 'GET', '/api/admin/version')).statusCode, 200)
  const limited = await adminCall(ada, 'GET', '/api/admin/version')
  t.equal(limited.statusCode, 429)
  t.match(limited.json(), { error: { code: 429, status: 'Too Many Requests', id: 'admin_rate_limited', request: limited.headers['x-request-id'] } })
  t.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60, 'Retry-After in seconds')
  t.equal((await adminCall(grace, 'GET', '/api/admin/version')).statusCode, 200, 'another identity has its own count')
  t.equal((await app.inject({ method: 'GET', url: '/health/alive' })).statusCode, 200, 'health is never limited')
})
