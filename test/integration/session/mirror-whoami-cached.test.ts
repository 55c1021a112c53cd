import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { sessionJson, withUpstream } from '../../helpers/session.js'

// Through /.ory a cached whoami answer is what Ory's would be for the browser: Ory's JSON with its URLs rewritten
// for the BFF's origin, Cache-Control: no-store. Ory's 401 passes through as Ory sent it.

// Kratos's whoami 401 (session/handler.go `whoami`, session/error.go `ErrNoSessionFound`): no error id.
const UNAUTHORIZED = { error: { code: 401, status: 'Unauthorized', request: 'ory-req', reason: 'No valid session credentials found in the request.', message: 'The request could not be authorized' } }

t.test('the cached answer equals the first, rewritten and no-store', async t => {
  const { app, whoami, upstream } = await withUpstream(t, (req, res) => {
    if (String(req.headers.cookie).includes('ory_kratos_session=good')) json(res, 200, sessionJson(upstream.url), { 'cache-control': 'private, no-cache' })
    else json(res, 401, UNAUTHORIZED)
  })
  const ask = async (cookie: string) => await app.inject({ url: '/.ory/sessions/whoami', headers: { cookie, accept: 'application/json' } })
  const first = await ask('ory_kratos_session=good')
  const second = await ask('ory_kratos_session=good; theme=dark')
  t.equal(whoami().length, 1, 'the second came from the cache')
  for (const res of [first, second]) {
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    t.match(res.headers['content-type'], /^application\/json/)
    t.equal(res.json().identity.schema_url, 'http://localhost:4000/.ory/schemas/ZGVmYXVsdA', 'Ory\'s URL rewritten')
  }
  t.equal(second.body, first.body, 'byte for byte the same')
  t.equal(first.json().identity.metadata_admin.secret, 'never to the SPA', 'the mirror passes Ory\'s body on whole')

  for (let i = 0; i < 2; i++) {
    const denied = await ask('ory_kratos_session=bad')
    t.equal(denied.statusCode, 401)
    t.same(denied.json(), UNAUTHORIZED, 'Ory\'s 401 unchanged')
  }
  t.equal(whoami().length, 3, '401s are not cached')
})

t.test('tokenize_as goes to Ory every time', async t => {
  const { app, whoami, upstream } = await withUpstream(t, (_req, res) => json(res, 200, sessionJson(upstream.url)))
  for (let i = 0; i < 2; i++) await app.inject({ url: '/.ory/sessions/whoami?tokenize_as=jwt', headers: { cookie: 'ory_kratos_session=good' } })
  t.equal(whoami().length, 2)
  t.match(whoami()[0]!.url, /tokenize_as=jwt/)
})
