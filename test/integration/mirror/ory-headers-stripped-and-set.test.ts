import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// Ory trusts its Ory-* headers: Ory-Base-URL-Rewrite decides where its links point (e-mails included). A browser
// that could send them could have Ory write recovery links to a host of its choosing.
const forged = {
  'ory-base-url-rewrite': 'https://evil.example',
  'ory-base-url-rewrite-token': 'forged',
  'ory-no-custom-domain-redirect': 'false',
  'ory-anything': 'x',
  authorization: 'Bearer ory_pat_forged',
  'x-forwarded-host': 'evil.example',
  'x-session-token': 'ory_st_token'
}

t.test('client-sent Ory-* headers never reach Ory; with ORY_API_KEY the BFF sets its own', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}), { ORY_API_KEY: 'ory_pat_project', PUBLIC_URL: 'https://app.example.com' })
  await app.inject({ url: '/.ory/self-service/login/browser', headers: forged })
  const headers = calls()[0]!.headers
  t.equal(headers['ory-base-url-rewrite'], 'https://app.example.com/.ory')
  t.equal(headers['ory-base-url-rewrite-token'], 'ory_pat_project')
  t.equal(headers['ory-no-custom-domain-redirect'], 'true')
  t.equal(headers['ory-anything'], undefined)
  t.equal(headers.authorization, undefined, 'the API key is never sent as credentials to a frontend operation, nor the browser\'s')
  t.equal(headers['x-forwarded-host'], undefined)
  t.equal(headers['x-session-token'], undefined, 'not an operation that takes a session token')
})

t.test('without ORY_API_KEY: no rewrite headers at all, the forged ones dropped', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}))
  await app.inject({ url: '/.ory/sessions/whoami', headers: forged })
  const headers = calls()[0]!.headers
  t.equal(headers['ory-base-url-rewrite'], undefined)
  t.equal(headers['ory-base-url-rewrite-token'], undefined)
  t.equal(headers['ory-no-custom-domain-redirect'], 'true')
  t.equal(headers['x-session-token'], 'ory_st_token', 'whoami takes X-Session-Token (native apps)')
})

t.test('the pass-through strips them too', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => { res.writeHead(303, { location: 'http://localhost:4000/' }); res.end() })
  await app.inject({ url: '/.ory/self-service/methods/oidc/callback/github?code=1', headers: forged })
  const headers = calls()[0]!.headers
  t.equal(headers['ory-base-url-rewrite'], undefined)
  t.equal(headers['ory-anything'], undefined)
  t.equal(headers.authorization, undefined)
  t.equal(headers['ory-no-custom-domain-redirect'], 'true')
})
