import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import t from 'tap'
import { OryBadResponseError, OryTimeoutError, OryUnavailableError, OryUpstreamError } from '../../../src/ory/index.js'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

// Ory's generic error shape, strictly: nothing else may appear in an answer the BFF produces itself.
const OryError = Type.Object({
  error: Type.Object({
    id: Type.Optional(Type.String()),
    code: Type.Integer(),
    status: Type.String(),
    reason: Type.Optional(Type.String()),
    message: Type.String(),
    request: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
  }, { additionalProperties: false })
}, { additionalProperties: false })

t.test('every error the BFF produces is Ory\'s generic error shape, with the request id and no stack trace', async t => {
  const app = buildTestApp(t, testConfig())
  // Routes standing in for later features, each failing in its own way.
  app.get('/test/crash', async () => { throw new Error('secret internal detail at /srv/app.js') })
  app.get('/test/validated', { schema: { querystring: Type.Object({ n: Type.Integer() }) } }, async () => ({ ok: true }))
  app.post('/test/json', async request => request.body)
  app.get('/test/unreachable', async () => {
    throw new OryUnavailableError('Ory could not be reached for toSession: connect ECONNREFUSED 10.1.2.3:4433', { operationId: 'toSession', reason: 'The upstream service is unavailable.' })
  })
  app.get('/test/timeout', async () => { throw new OryTimeoutError('Ory did not answer toSession in time', { operationId: 'toSession', reason: 'The upstream request timed out.' }) })
  app.get('/test/bad-response', async () => { throw new OryBadResponseError('Ory\'s answer to toSession is not JSON', { operationId: 'toSession' }) })
  app.get('/test/upstream-html', async () => { throw new OryUpstreamError('toSession', 500, {}, '<html>oops</html>') })

  const cases: Array<{ url: string, method?: 'GET' | 'POST', headers?: Record<string, string>, payload?: string, status: number, id?: string, message?: RegExp }> = [
    { url: '/no/such/route', status: 404, message: /could not be found/ },
    { url: '/test/crash', status: 500, message: /An internal server error occurred/ },
    { url: '/test/validated?n=abc', status: 400, message: /malformed or contained invalid parameters/ },
    { url: '/test/json', method: 'POST', headers: { 'content-type': 'application/json' }, payload: '{"a":', status: 400 },
    { url: '/test/json', method: 'POST', headers: { 'content-type': 'application/x-unknown' }, payload: 'x', status: 415 },
    { url: '/test/unreachable', status: 502, id: 'upstream_unavailable', message: /^Ory could not be reached for toSession$/ },
    { url: '/test/timeout', status: 504, id: 'upstream_timeout' },
    { url: '/test/bad-response', status: 502, id: 'upstream_bad_response' },
    { url: '/test/upstream-html', status: 502, id: 'upstream_status', message: /Ory answered toSession with status 500/ }
  ]
  for (const c of cases) {
    const res = await app.inject({ method: c.method ?? 'GET', url: c.url, headers: c.headers, payload: c.payload })
    const label = `${c.method ?? 'GET'} ${c.url}`
    t.equal(res.statusCode, c.status, `${label} → ${c.status}`)
    t.match(res.headers['content-type'], /^application\/json/)
    const body = res.json()
    t.ok(Value.Check(OryError, body), `${label}: Ory's shape ${res.body}`)
    t.equal(body.error.code, c.status)
    t.equal(body.error.request, res.headers['x-request-id'], 'the request id is in the body')
    if (c.id !== undefined) t.equal(body.error.id, c.id)
    if (c.message !== undefined) t.match(body.error.message, c.message)
    t.notMatch(res.body, /\bat .+:\d+:\d+|stack|\/srv\/|10\.1\.2\.3/, `${label}: no stack trace, paths or upstream addresses`)
  }
})

t.test('Ory\'s own error bodies pass through untouched, with Ory\'s status', async t => {
  const app = buildTestApp(t, testConfig())
  const oryBody = { error: { id: 'session_inactive', code: 401, status: 'Unauthorized', message: 'no session', added_later: { x: 1 } } }
  app.get('/test/ory-401', async () => { throw new OryUpstreamError('toSession', 401, {}, oryBody) })
  const oauth2Body = { error: 'invalid_grant', error_description: 'The code has expired.' }
  app.get('/test/oauth2-400', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => {
    throw new OryUpstreamError('oauth2TokenExchange', 400, {}, oauth2Body)
  })

  const unauthorized = await app.inject({ url: '/test/ory-401' })
  t.equal(unauthorized.statusCode, 401)
  t.same(unauthorized.json(), oryBody, 'unknown fields included')
  const badGrant = await app.inject({ url: '/test/oauth2-400' })
  t.equal(badGrant.statusCode, 400)
  t.same(badGrant.json(), oauth2Body)
})
