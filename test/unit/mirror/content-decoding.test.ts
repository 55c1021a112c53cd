import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import t from 'tap'
import { decodeContent } from '../../../src/mirror/content.js'

const text = Buffer.from(JSON.stringify({ url: 'http://127.0.0.1:4433/sessions/whoami' }))

t.test('gzip, deflate (zlib and raw), br and stacked codings are undone', async t => {
  t.same(await decodeContent(gzipSync(text), 'gzip', 1024, 'op'), text)
  t.same(await decodeContent(gzipSync(text), 'x-gzip', 1024, 'op'), text)
  t.same(await decodeContent(deflateSync(text), 'deflate', 1024, 'op'), text)
  t.same(await decodeContent(deflateRawSync(text), 'deflate', 1024, 'op'), text)
  t.same(await decodeContent(brotliCompressSync(text), 'BR', 1024, 'op'), text)
  t.same(await decodeContent(brotliCompressSync(gzipSync(text)), 'gzip, br', 1024, 'op'), text, 'the last coding applied is undone first')
  t.same(await decodeContent(text, 'identity', 1024, 'op'), text)
})

t.test('a small body that inflates past the cap is a 502, not gigabytes in memory', async t => {
  const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024))
  t.ok(bomb.length < 20_000, `the bomb is small (${bomb.length} bytes)`)
  await t.rejects(decodeContent(bomb, 'gzip', 64 * 1024, 'toSession'), { statusCode: 502, message: /larger than the limit of 65536 bytes once decompressed/ })
})

t.test('unknown codings and corrupt bodies are 502s', async t => {
  await t.rejects(decodeContent(text, 'compress', 1024, 'toSession'), { statusCode: 502, message: /cannot read: compress/ })
  await t.rejects(decodeContent(Buffer.from('not gzip'), 'gzip', 1024, 'toSession'), { statusCode: 502, message: /cannot be decompressed/ })
})
