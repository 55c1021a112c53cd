import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

t.test('Ory\'s flows under /.ory keep Kratos\'s own CSRF mechanism: the /api defence does not touch them', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, { id: 'flow' }), { LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' })
  const res = await app.inject({
    method: 'POST',
    url: '/.ory/self-service/login?flow=00000000-0000-4000-8000-000000000000',
    // No custom header, and an HTML form post from another site: Kratos's csrf_token decides, not the BFF.
    headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
    payload: JSON.stringify({ method: 'password', identifier: 'a@example.com', password: 'x', csrf_token: 't' })
  })
  t.not(res.json()?.error?.id, 'security_csrf_violation')
  t.equal(res.statusCode, 200)
  t.equal(calls().length, 1, 'the request went on to Ory')
})
