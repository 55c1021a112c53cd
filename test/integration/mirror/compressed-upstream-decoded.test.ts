import { brotliCompressSync, gzipSync } from 'node:zlib'
import t from 'tap'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

for (const [coding, compress] of [['gzip', gzipSync], ['br', brotliCompressSync]] as const) {
  t.test(`a ${coding} answer (despite Accept-Encoding: identity) is decoded, rewritten and sent uncompressed`, async t => {
    let ory = ''
    const { app, upstream, calls } = await mirrorOfUpstream(t, (_req, res) => {
      const body = compress(Buffer.from(JSON.stringify({ identity: { schema_url: `${ory}/schemas/ZGVmYXVsdA` } })))
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding, 'content-length': String(body.length) })
      res.end(body)
    })
    ory = upstream.url
    const res = await app.inject({ url: '/.ory/sessions/whoami', headers: { 'accept-encoding': 'gzip, br' } })
    t.equal(calls()[0]?.headers['accept-encoding'], 'identity', 'the BFF asked for identity')
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-encoding'], undefined)
    t.same(res.json(), { identity: { schema_url: 'http://localhost:4000/.ory/schemas/ZGVmYXVsdA' } })
  })
}
