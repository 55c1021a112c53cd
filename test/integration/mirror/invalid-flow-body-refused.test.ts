import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'
// Sent as a script's JSON call: without an Accept header a request counts as a browser navigation (Kratos
// x/isjsonrequest.go `IsBrowserRequest`), whose refusal goes to the error UI (see browser-refusal-redirects-to-error-ui.test.ts).
const JSON_CALL = { accept: 'application/json' }

const cases: Array<{ name: string, url: string, contentType: string, payload: string, paths: string[] }> = [
  { name: 'not an object', url: '/.ory/self-service/login?flow=f', contentType: 'application/json', payload: '["password"]', paths: ['/'] },
  { name: 'a JSON string', url: '/.ory/self-service/login?flow=f', contentType: 'application/json', payload: '"method=password"', paths: ['/'] },
  { name: 'an unknown method', url: '/.ory/self-service/login?flow=f', contentType: 'application/json', payload: '{"method":"magic"}', paths: ['/method'] },
  { name: 'wrong types', url: '/.ory/self-service/registration?flow=f', contentType: 'application/json', payload: '{"method":"password","password":123,"traits":"me"}', paths: ['/password', '/traits'] },
  { name: 'a form with a list where a string belongs', url: '/.ory/self-service/login?flow=f', contentType: 'application/x-www-form-urlencoded', payload: 'method=password&identifier=a&identifier=b', paths: ['/identifier'] },
  { name: 'a form with a field that is also a parent', url: '/.ory/self-service/registration?flow=f', contentType: 'application/x-www-form-urlencoded', payload: 'method=password&traits=a&traits.email=b', paths: ['/traits/email'] },
  { name: 'a form where the operation takes JSON only', url: '/.ory/self-service/logout/api', contentType: 'application/x-www-form-urlencoded', payload: 'session_token=x', paths: [] }
]

// The refusals share one BFF: none of them may reach Ory, so its record stays empty throughout.
const refusing = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}))

for (const c of cases) {
  t.test(`${c.name}: refused without calling Ory`, async t => {
    const { app, calls } = refusing
    const method = c.url.includes('/logout/api') ? 'DELETE' : 'POST'
    const res = await app.inject({ method, url: c.url, headers: { accept: 'application/json', 'content-type': c.contentType, 'x-request-id': 'bad-body-1' }, payload: c.payload })
    const body = res.json()
    if (c.paths.length === 0) {
      t.equal(res.statusCode, 415)
    } else {
      t.equal(res.statusCode, 400)
      t.same(body.error.details.errors.map((e: { path: string }) => e.path), c.paths, 'the JSON path of each problem')
      t.ok(body.error.details.errors.every((e: { in: string }) => e.in === 'body'))
    }
    t.match(body, { error: { code: res.statusCode, status: String, message: String, request: 'bad-body-1' } }, 'Ory\'s error shape with the request id')
    t.equal(calls().length, 0, 'Ory was not called')
  })
}

t.test('a body over BODY_LIMIT_BYTES is a 413 before anything else', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}), { BODY_LIMIT_BYTES: '2048' })
  const res = await app.inject({ method: 'POST', url: '/.ory/self-service/login?flow=f', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ method: 'password', password: 'x'.repeat(4096) }) })
  t.equal(res.statusCode, 413)
  t.equal(res.json().error.code, 413)
  t.equal(calls().length, 0)
})

t.test('query and path parameters are checked too', async t => {
  const { app, calls } = refusing
  const missing = await app.inject({ url: '/.ory/self-service/login/flows', headers: JSON_CALL })
  t.equal(missing.statusCode, 400)
  t.same(missing.json().error.details.errors, [{ in: 'querystring', path: '/id', message: 'Expected required property' }, { in: 'querystring', path: '/id', message: 'Expected string' }])
  const twice = await app.inject({ url: '/.ory/self-service/login/flows?id=a&id=b', headers: JSON_CALL })
  t.equal(twice.statusCode, 400, 'one value per parameter')
  const id = await app.inject({ method: 'DELETE', url: '/.ory/sessions/a%2Fb', headers: JSON_CALL })
  t.equal(id.statusCode, 400, 'a session id cannot hold a slash')
  t.equal(id.json().error.details.errors[0].in, 'params')
  t.equal(calls().length, 0)
})

t.test('a valid body goes to Ory as the browser sent it: JSON as JSON, a form as a form', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, {}))
  await app.inject({ method: 'POST', url: '/.ory/self-service/registration?flow=f', headers: { 'content-type': 'application/json' }, payload: '{"method":"password","traits":{"email":"a@example.com"},"password":"p","extra":{"x":1}}' })
  await app.inject({ method: 'POST', url: '/.ory/self-service/registration?flow=f', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'method=password&traits.email=a%40example.com&password=p+q&csrf_token=t' })
  const [first, second] = calls()
  t.equal(first?.headers['content-type'], 'application/json')
  t.same(JSON.parse(first!.body), { method: 'password', traits: { email: 'a@example.com' }, password: 'p', extra: { x: 1 } })
  t.equal(second?.headers['content-type'], 'application/x-www-form-urlencoded')
  t.same(Object.fromEntries(new URLSearchParams(second!.body)), { method: 'password', 'traits.email': 'a@example.com', password: 'p q', csrf_token: 't' })
})
