import t from 'tap'
import { buildTestApp, captureLogs, readyTestApp } from '../../helpers/app.js'
import { oryConfig, testConfig } from '../../helpers/config.js'
import { json, startUpstream } from '../../helpers/upstream.js'

/** Registration traits nested so that the whole body is `depth` levels deep (the body itself is one). */
function registration (depth: number): string {
  const inner = depth - 2
  return `{"method":"password","password":"a long enough password","traits":{"email":"deep@example.com","n":${'['.repeat(inner)}${']'.repeat(inner)}}}`
}

t.test('a JSON body nested deeper than JSON_MAX_DEPTH is a 400 in Ory\'s shape, before Ory or anything recursive sees it', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 400, { id: 'flow', ui: { nodes: [] } }))
  t.teardown(upstream.close)
  const logs = captureLogs()
  const app = await readyTestApp(t, oryConfig(upstream.url, { LOG_LEVEL: 'debug' }), { logStream: logs.stream })
  const flowCalls = (): number => upstream.requests.filter(req => req.url.startsWith('/self-service/registration')).length

  // About 60 KB, far under the body limit: 10,000 levels overflow JSON.stringify's stack.
  const deep = registration(10_000)
  t.ok(deep.length < 70_000)
  const res = await app.inject({
    method: 'POST',
    url: '/.ory/self-service/registration?flow=f',
    headers: { 'content-type': 'application/json', 'x-request-id': 'deep-1' },
    payload: deep
  })
  t.equal(res.statusCode, 400)
  const body = res.json()
  t.match(body, { error: { code: 400, status: 'Bad Request', message: String, request: 'deep-1' } }, 'Ory\'s error shape with the request id')
  t.match(body.error.reason, /nested deeper than 64 levels/, 'the reason names the limit')
  t.equal(flowCalls(), 0, 'Ory was not called')
  t.same(logs.lines().filter(line => line.level === 'error' || line.level === 'fatal'), [], 'nothing logged at error level')

  // At the limit: sent on to Ory.
  const ok = await app.inject({
    method: 'POST',
    url: '/.ory/self-service/registration?flow=f',
    headers: { 'content-type': 'application/json' },
    payload: registration(64)
  })
  t.equal(ok.statusCode, 400, 'Ory\'s own answer')
  t.same(ok.json(), { id: 'flow', ui: { nodes: [] } })
  t.equal(flowCalls(), 1, 'Ory was called')
})

t.test('the limit holds whatever the charset parameter, and JSON_MAX_DEPTH moves it', async t => {
  const app = buildTestApp(t, testConfig({ JSON_MAX_DEPTH: '10' }))
  app.post('/test/echo', async request => request.body)
  for (const type of ['application/json', 'application/json; charset=utf-8']) {
    const refused = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': type }, payload: '[[[[[[[[[[[]]]]]]]]]]]' })
    t.equal(refused.statusCode, 400, `${type}: 11 levels refused`)
    t.match(refused.json().error.reason, /nested deeper than 10 levels/)
    const accepted = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': type }, payload: '[[[[[[[[[[]]]]]]]]]]' })
    t.equal(accepted.statusCode, 200, `${type}: 10 levels accepted`)
  }
})
