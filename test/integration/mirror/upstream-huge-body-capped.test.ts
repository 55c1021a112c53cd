import { gzipSync } from 'node:zlib'
import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

const LIMIT = 4096

t.test('an answer over MIRROR_MAX_BUFFER_BYTES is a 502, and the BFF stops reading it', async t => {
  let dropped: Promise<boolean> | undefined
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    dropped = new Promise(resolve => res.on('close', () => resolve(!res.writableFinished)))
    // Without a Content-Length and without an end: only a reader that counts can stop.
    const push = (): void => {
      while (!res.destroyed) {
        if (!res.write(`"${'x'.repeat(1022)}",`)) { res.once('drain', push); return }
      }
    }
    res.write('[')
    push()
  }, { MIRROR_MAX_BUFFER_BYTES: String(LIMIT) })
  const res = await app.inject({ url: '/.ory/sessions/whoami', headers: { 'x-request-id': 'huge-1' } })
  t.equal(res.statusCode, 502)
  t.match(res.json(), { error: { code: 502, id: 'upstream_bad_response', reason: 'The upstream response was too large.', request: 'huge-1' } })
  t.equal(await dropped, true, 'the connection to Ory was cut while it was still sending')
})

t.test('a declared Content-Length over the cap is refused before the body is read', async t => {
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(LIMIT + 1) })
    res.flushHeaders()
  }, { MIRROR_MAX_BUFFER_BYTES: String(LIMIT) })
  const res = await app.inject({ url: '/.ory/self-service/login/flows?id=f' })
  t.equal(res.statusCode, 502)
})

t.test('a gzip bomb is capped on what it decodes to', async t => {
  const bomb = gzipSync(Buffer.from(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })))
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) })
    res.end(bomb)
  }, { MIRROR_MAX_BUFFER_BYTES: String(LIMIT) })
  t.ok(bomb.length < LIMIT, 'small on the wire')
  const res = await app.inject({ url: '/.ory/sessions/whoami' })
  t.equal(res.statusCode, 502)
  t.match(res.json(), { error: { message: /once decompressed/ } })
})

t.test('an answer of exactly the cap passes', async t => {
  const body = JSON.stringify({ pad: 'x'.repeat(LIMIT - 10) })
  const { app } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) })
    res.end(body)
  }, { MIRROR_MAX_BUFFER_BYTES: String(LIMIT) })
  t.equal(body.length, LIMIT)
  const res = await app.inject({ url: '/.ory/sessions/whoami' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, body)
})
