import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

t.test('bytes that are not HTTP: 502 upstream_bad_response, on buffered and streamed routes alike', async t => {
  const answers = [
    'SSH-2.0-OpenSSH_9.6\r\n\r\n\u0000\u0001 not http at all\r\n',
    'HTTP/1.1 abc\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n'
  ]
  let answer = ''
  const { app } = await mirrorOfUpstream(t, (_req, _res, socket) => {
    socket.end(answer)
  })
  for (answer of answers) {
    for (const url of ['/.ory/sessions/whoami', '/.ory/self-service/login/browser', '/.ory/.well-known/ory/webauthn.js']) {
      const res = await app.inject({ url, headers: { 'x-request-id': 'garbage-1' } })
      t.equal(res.statusCode, 502, `${url}: ${JSON.stringify(answer)}`)
      t.match(res.json(), { error: { code: 502, id: 'upstream_bad_response', request: 'garbage-1' } })
    }
  }
})

t.test('a JSON answer that mentions Ory but is not JSON: 502, not a half-rewritten body', async t => {
  let ory = ''
  const { app, upstream } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(`{"schema_url":"${ory}/schemas/x"`)
  })
  ory = upstream.url
  const res = await app.inject({ url: '/.ory/sessions/whoami' })
  t.equal(res.statusCode, 502)
  t.match(res.json(), { error: { id: 'upstream_bad_response', reason: 'The upstream response was malformed.' } })
})
