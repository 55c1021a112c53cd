import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { rawRequest } from '../../helpers/raw-http.js'

// Requests Node's HTTP parser refuses before there is any request for the app to see.
const cases: Array<{ name: string, bytes: string, status: number, statusText: string }> = [
  {
    name: 'headers over Node\'s 16 KB limit',
    bytes: `GET /health/alive HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    status: 431,
    statusText: 'Request Header Fields Too Large'
  },
  { name: 'a malformed request line', bytes: 'GET /health/alive <script>HTTP/9\r\nHost: 127.0.0.1\r\n\r\n', status: 400, statusText: 'Bad Request' },
  {
    name: 'a bad Content-Length',
    bytes: 'POST /health/alive HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 12abc<script>\r\n\r\n',
    status: 400,
    statusText: 'Bad Request'
  }
]

t.test('requests the HTTP parser refuses are answered in Ory\'s shape with the security headers, echoing nothing', async t => {
  const app = buildTestApp(t, testConfig())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }

  for (const c of cases) {
    const res = await rawRequest(port, c.bytes)
    t.equal(res.status, c.status, `${c.name}: ${c.status}`)
    t.match(res.headers['content-type'], /^application\/json/, `${c.name}: JSON`)
    let body: { error: Record<string, unknown> } | undefined
    try {
      body = JSON.parse(res.body)
    } catch {}
    t.match(body, { error: { code: c.status, status: c.statusText, message: String, reason: String } }, `${c.name}: Ory's error shape`)
    t.same(Object.keys(body ?? {}), ['error'])
    t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/, `${c.name}: a request id`)
    t.equal(body?.error.request, res.headers['x-request-id'], 'the same one in the body')
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['x-frame-options'], 'DENY')
    t.equal(res.headers['cache-control'], 'no-store')
    t.match(res.headers['content-security-policy'], /^default-src 'none'/)
    t.equal(res.headers.connection, 'close', 'the connection is closed')
    t.notMatch(res.body, /script|bbbb|HPE_/, `${c.name}: none of the request's bytes, no parser codes`)
  }
})
