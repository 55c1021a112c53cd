import t from 'tap'
import { HTML_ACCEPT, mirrorOfEmulator, PUBLIC_URL } from '../../helpers/mirror.js'

// A browser that navigated to a URL the mirror refuses is sent to the error UI with the error's id, as Kratos sends
// it for its own flow errors (selfservice/errorx/manager.go `Manager.Forward`: stored, 303 to `<error UI>?id=…`),
// and the error UI reads it as Kratos serves it (selfservice/errorx/handler.go `fetchError`: the `flowError` model).
t.test('a navigation with a forbidden return_to gets a 303 to the error UI, whose id reads back the error', async t => {
  const { app, emu } = await mirrorOfEmulator(t)
  const before = emu.state.flows.size
  const res = await app.inject({
    url: '/.ory/self-service/login/browser?return_to=https://evil.example/steal',
    headers: { accept: HTML_ACCEPT, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'x-request-id': 'nav-1', cookie: 'ory_kratos_session=secret-value' }
  })
  t.equal(res.statusCode, 303)
  t.equal(res.body, '', 'no JSON for the browser to show')
  t.equal(res.headers['cache-control'], 'no-store')
  const location = new URL(String(res.headers.location))
  t.equal(`${location.origin}${location.pathname}`, `${PUBLIC_URL}/error`, 'the default error UI: <PUBLIC_URL>/error')
  const id = location.searchParams.get('id') ?? ''
  t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  t.equal(emu.state.flows.size, before, 'Ory never saw the request')

  const read = await app.inject({ url: `/.ory/self-service/errors?id=${id}`, headers: { accept: 'application/json' } })
  t.equal(read.statusCode, 200)
  t.match(read.headers['content-type'], /^application\/json/)
  t.equal(read.headers['x-content-type-options'], 'nosniff')
  t.equal(read.headers['cache-control'], 'no-store')
  const body = read.json()
  t.same(Object.keys(body).sort(), ['created_at', 'error', 'id', 'updated_at'])
  t.equal(body.id, id)
  t.same(body.error, {
    id: 'self_service_flow_return_to_forbidden',
    code: 400,
    status: 'Bad Request',
    reason: 'Requested return_to URL "https://evil.example/steal" is not allowed.',
    message: 'The request was malformed or contained invalid parameters',
    request: 'nav-1'
  }, 'the body a JSON caller gets, under `error`')
  t.ok(Number.isFinite(Date.parse(body.created_at)))
  t.equal(body.updated_at, body.created_at)
  t.notMatch(read.body, /secret-value/, 'no cookie in the stored error')

  // The page reloads: the error is still there.
  t.equal((await app.inject({ url: `/.ory/self-service/errors?id=${id}` })).statusCode, 200)
})

t.test('ERROR_UI_URL moves the error UI; a path is taken on PUBLIC_URL', async t => {
  const { app } = await mirrorOfEmulator(t, { ERROR_UI_URL: '/oops?lang=en' })
  const res = await app.inject({ url: '/.ory/self-service/registration/browser?return_to=//evil.example', headers: { accept: '*/*' } })
  t.equal(res.statusCode, 303, 'Accept: */* is a browser, as Kratos x/isjsonrequest.go `IsBrowserRequest` negotiates it')
  const location = new URL(String(res.headers.location))
  t.equal(`${location.origin}${location.pathname}`, `${PUBLIC_URL}/oops`)
  t.equal(location.searchParams.get('lang'), 'en')
  t.ok(location.searchParams.get('id'))
})

t.test('a form post refused by the mirror sends the browser to the error UI too', async t => {
  const { app } = await mirrorOfEmulator(t)
  const deep = Array.from({ length: 200 }, (_, i) => `a${i}`).join('.')
  const res = await app.inject({
    method: 'POST',
    url: '/.ory/self-service/login?flow=00000000-0000-4000-8000-000000000000',
    headers: { accept: HTML_ACCEPT, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `${deep}=x`
  })
  t.equal(res.statusCode, 303)
  const id = new URL(String(res.headers.location)).searchParams.get('id')
  const read = await app.inject({ url: `/.ory/self-service/errors?id=${id}` })
  t.equal(read.json().error.code, 400)
})
