import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'
// Sent as a script's JSON call: without an Accept header a request counts as a browser navigation (Kratos
// x/isjsonrequest.go `IsBrowserRequest`), whose refusal goes to the error UI (see browser-refusal-redirects-to-error-ui.test.ts).
const JSON_CALL = { accept: 'application/json' }

// Security regression: no open redirect through return_to. Each attack is refused by the BFF before Ory sees it.
const attacks = [
  '//evil.com', '///evil.com', 'https:evil.com', 'https:/evil.com', '\\\\evil.com', '/\\evil.com', '/\t/evil.com', 'https://evil.com',
  'https://app.example.com@evil.com', 'https://app.example.com:x@evil.com', 'https://user@app.example.com', 'https://app.example.com.evil.com',
  'HTTPS://EVIL.COM', 'hTtPs://app.example.com.evil.com', '%2F%2Fevil.com', '/%2F%2Fevil.com', '/%5Cevil.com', 'javascript:alert(1)',
  'http://app.example.com', 'https://app.example.com:444/', 'evil.com', 'data:text/html,<script>alert(1)</script>'
]

t.test('return_to attacks on spec routes: 400 in Ory\'s shape, nothing sent upstream', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}), { PUBLIC_URL: 'https://app.example.com' })
  for (const attack of attacks) {
    for (const [path, name] of [['/self-service/login/browser', 'return_to'], ['/self-service/registration/browser', 'after_verification_return_to'], ['/self-service/logout/browser', 'return_to']]) {
      const res = await app.inject({ url: `/.ory${path}?${new URLSearchParams({ [name!]: attack })}`, headers: { accept: 'application/json', 'x-request-id': 'rt-1' } })
      t.equal(res.statusCode, 400, `${path} ${name}=${JSON.stringify(attack)}`)
      t.match(res.json(), { error: { id: 'self_service_flow_return_to_forbidden', code: 400, request: 'rt-1' } })
    }
  }
  t.equal(calls().length, 0, 'Ory never saw one of them')
})

t.test('return_to on the pass-through and in a raw encoded query is checked the same way', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}), { PUBLIC_URL: 'https://app.example.com' })
  t.equal((await app.inject({ url: '/.ory/self-service/verification?flow=f&code=1&return_to=https%3A%2F%2Fevil.com', headers: JSON_CALL })).statusCode, 400)
  t.equal((await app.inject({ url: '/.ory/self-service/login/browser?return_to=%2F%2Fevil.com', headers: JSON_CALL })).statusCode, 400)
  t.equal((await app.inject({ url: '/.ory/self-service/login/browser?return_to=%5C%5Cevil.com', headers: JSON_CALL })).statusCode, 400)
  t.equal(calls().length, 0)
})

t.test('allowed return URLs pass, normalised', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}), { PUBLIC_URL: 'https://app.example.com', ALLOWED_RETURN_URLS: 'https://app.example.com,https://admin.example.com/back' })
  await app.inject({ url: '/.ory/self-service/login/browser?return_to=/dashboard' })
  await app.inject({ url: '/.ory/self-service/login/browser?return_to=HTTPS://APP.EXAMPLE.COM/x/../y' })
  await app.inject({ url: '/.ory/self-service/login/browser?return_to=https://admin.example.com/back/there' })
  t.same(calls().map(call => new URL(call.url, 'http://x').searchParams.get('return_to')), [
    'https://app.example.com/dashboard',
    'https://app.example.com/y',
    'https://admin.example.com/back/there'
  ])
  t.equal((await app.inject({ url: '/.ory/self-service/login/browser?return_to=https://admin.example.com/elsewhere', headers: JSON_CALL })).statusCode, 400)
})
