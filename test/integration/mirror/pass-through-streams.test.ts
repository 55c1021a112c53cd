import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// Only bodies that may need rewriting (JSON, or compressed) are read into memory; anything else streams through,
// so the buffering cap does not apply to it.
t.test('a non-JSON answer larger than MIRROR_MAX_BUFFER_BYTES streams through whole', async t => {
  const size = 64 * 1024
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' })
    // In chunks, without a Content-Length: the BFF cannot know the size beforehand.
    for (let i = 0; i < size / 1024; i++) res.write('<'.padEnd(1024, 'x'))
    res.end()
  }, { MIRROR_MAX_BUFFER_BYTES: '4096' })
  const res = await app.inject({ url: '/.ory/self-service/methods/saml/metadata/okta' })
  t.equal(res.statusCode, 200)
  t.equal(res.rawPayload.length, size)
  t.equal(res.headers['content-type'], 'application/samlmetadata+xml')
})

t.test('a JSON answer on the same path is buffered (and capped) to be rewritten', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ pad: 'x'.repeat(8192) }))
  }, { MIRROR_MAX_BUFFER_BYTES: '4096' })
  const res = await app.inject({ url: '/.ory/self-service/methods/saml/metadata/okta' })
  t.equal(res.statusCode, 502)
})

t.test('HEAD gets the headers and no body', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<html></html>')
  })
  const res = await app.inject({ method: 'HEAD', url: '/.ory/.well-known/change-password' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/html')
  t.equal(res.body, '')
})
