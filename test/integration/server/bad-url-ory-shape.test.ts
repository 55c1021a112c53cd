import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { rawRequest } from '../../helpers/raw-http.js'

t.test('a path with a bad percent-encoding is a 400 in Ory\'s shape, with the security headers and the request id, and the path is not echoed', async t => {
  const app = buildTestApp(t, testConfig())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }

  for (const path of ['/.ory/%E0%A4%A', '/%E0%A4%A<script>']) {
    const res = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    t.equal(res.status, 400, `${path}: 400`)
    t.match(res.headers['content-type'], /^application\/json/)
    const body = JSON.parse(res.body)
    t.match(body, { error: { code: 400, status: 'Bad Request', message: String, reason: String } }, 'Ory\'s error shape')
    t.same(Object.keys(body), ['error'])
    t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'a request id')
    t.equal(body.error.request, res.headers['x-request-id'], 'the same one in the body')
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['x-frame-options'], 'DENY')
    t.equal(res.headers['cache-control'], 'no-store')
    t.match(res.headers['content-security-policy'], /^default-src 'none'/)
    t.notMatch(res.body, /%E0|script|FST_ERR/, 'nothing of the path, no framework code')
  }

  const kept = await rawRequest(port, 'GET /.ory/%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: lb-1234\r\nConnection: close\r\n\r\n')
  t.equal(kept.headers['x-request-id'], 'lb-1234', 'a sane incoming request id is kept, as on any other answer')
  t.equal(JSON.parse(kept.body).error.request, 'lb-1234')
})
