import t from 'tap'
import { frontend } from '../../../src/ory/index.js'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { answerJson, startFakeOry } from '../../helpers/fake-ory.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('an incoming X-Request-Id is echoed, used in error bodies, and forwarded upstream', async t => {
  const ory = await startFakeOry((req, res) => {
    if (req.url?.startsWith('/sessions/whoami') === true) answerJson(res, 200, { id: 's1', active: true })
    else answerJson(res, 200, [])
  })
  t.teardown(ory.close)
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url }))
  // A route as later features write them: calling Ory through request.ory.
  app.get('/test/whoami', async request => (await frontend.toSession(request.ory, {})).body)

  const id = 'lb-7f3a.9:trace_01'
  const ok = await app.inject({ url: '/test/whoami', headers: { 'x-request-id': id } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers['x-request-id'], id, 'echoed')
  const upstreamCall = ory.requests.find(request => request.url.startsWith('/sessions/whoami'))
  t.equal(upstreamCall?.headers['x-request-id'], id, 'forwarded to Ory')

  const missing = await app.inject({ url: '/nope', headers: { 'x-request-id': id } })
  t.equal(missing.statusCode, 404)
  t.equal(missing.headers['x-request-id'], id)
  t.equal(missing.json().error.request, id, 'quoted in the error body')
})

t.test('without X-Request-Id, or with an unsafe one, a fresh UUID is generated and echoed', async t => {
  const app = buildTestApp(t, testConfig())
  const seen = new Set<string>()
  const unsafe = ['', 'a'.repeat(129), 'has space', '<script>alert(1)</script>', 'line\\nbreak', 'ünïcode', 'a,b']
  for (const value of [undefined, ...unsafe]) {
    const res = await app.inject({ url: '/health/alive', headers: value === undefined ? {} : { 'x-request-id': value } })
    const id = String(res.headers['x-request-id'])
    t.match(id, UUID, `${JSON.stringify(value)} → a generated UUID`)
    seen.add(id)
  }
  t.equal(seen.size, unsafe.length + 1, 'a new one each time')

  const longest = 'x'.repeat(128)
  t.equal((await app.inject({ url: '/health/alive', headers: { 'x-request-id': longest } })).headers['x-request-id'], longest, '128 characters are accepted')
})
