import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

t.test('bytes that are not HTTP: 502', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, _res, socket) => {
    socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n\u0000\u0001 not http at all\r\n')
  })
  const res = await app.inject({ url: '/.ory/sessions/whoami', headers: { 'x-request-id': 'garbage-1' } })
  t.equal(res.statusCode, 502)
  t.match(res.json(), { error: { code: 502, request: 'garbage-1' } })
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
