import t from 'tap'
import { createServer, request, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { readyTestApp } from '../../helpers/app.js'
import { NO_LOAD_SHEDDING, oryConfig } from '../../helpers/config.js'
import { startTokenizingOry, TEMPLATE } from '../../helpers/proxy.js'

// 20 MB each way stream through the BFF, never held whole: the API gets the first bytes of the upload while the
// browser still has most of it to send, and the browser gets the first bytes of the download while the API has
// produced only part of it. Both sides produce their bytes only on demand (a pull stream), so that "while" is an
// order of events, not a timing.

const TOTAL = 20 * 1024 * 1024
const CHUNK = 64 * 1024

/** TOTAL bytes, one chunk when asked for; `produced()` says how many so far. */
function source (): { stream: Readable, produced: () => number } {
  let produced = 0
  const chunk = Buffer.alloc(CHUNK, 0x61)
  const stream = new Readable({
    read () {
      if (produced >= TOTAL) {
        this.push(null)
        return
      }
      produced += CHUNK
      this.push(chunk)
    }
  })
  return { stream, produced: () => produced }
}

t.test('a 20 MB upload and a 20 MB download stream through without being buffered', async t => {
  const ory = await startTokenizingOry()
  t.teardown(ory.close)
  const upload = source()
  const download = source()
  let received = 0
  let uploadedWhenApiGotFirstByte = -1
  const api = createServer((req: IncomingMessage, res) => {
    req.on('data', (chunk: Buffer) => {
      if (received === 0) uploadedWhenApiGotFirstByte = upload.produced()
      received += chunk.length
    })
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL) })
      download.stream.pipe(res)
    })
  })
  await new Promise<void>(resolve => api.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => await new Promise<void>(resolve => { api.closeAllConnections(); api.close(() => resolve()) }))
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`
  const routes = { files: { url: apiUrl, methods: ['POST'], token: 'session', tokenize_as: TEMPLATE } }
  const app = await readyTestApp(t, oryConfig(ory.url, { ...NO_LOAD_SHEDDING, API_ROUTES: JSON.stringify(routes), BODY_LIMIT_BYTES: String(32 * 1024 * 1024) }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const heapBefore = process.memoryUsage().heapUsed
  let heapPeak = heapBefore

  const answer = await new Promise<{ status: number, bytes: number, producedAtFirstByte: number }>((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/proxy/files/upload',
      agent: false,
      headers: { cookie: ory.signIn('ada'), 'x-csrf': '1', 'content-type': 'application/octet-stream' }
    }, res => {
      let bytes = 0
      let producedAtFirstByte = -1
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) producedAtFirstByte = download.produced()
        bytes += chunk.length
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, producedAtFirstByte }))
      res.on('error', reject)
    })
    req.on('error', reject)
    upload.stream.on('data', () => { heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed) })
    upload.stream.pipe(req)
  })
  t.equal(answer.status, 200)
  t.equal(received, TOTAL, 'the API got the whole upload')
  t.equal(answer.bytes, TOTAL, 'the browser got the whole download')
  t.ok(uploadedWhenApiGotFirstByte > 0 && uploadedWhenApiGotFirstByte < TOTAL / 2, `the API got its first byte when ${uploadedWhenApiGotFirstByte} of ${TOTAL} bytes were sent`)
  t.ok(answer.producedAtFirstByte > 0 && answer.producedAtFirstByte < TOTAL / 2, `the browser got its first byte when ${answer.producedAtFirstByte} of ${TOTAL} bytes were produced`)
  t.ok(heapPeak - heapBefore < TOTAL, `the heap grew by ${heapPeak - heapBefore} bytes at most, less than one body`)
})

t.test('a declared body over BODY_LIMIT_BYTES is a 413 before the API is called', async t => {
  const ory = await startTokenizingOry()
  t.teardown(ory.close)
  const routes = { files: { url: 'http://127.0.0.1:9', methods: ['POST'], token: 'session', tokenize_as: TEMPLATE } }
  const app = await readyTestApp(t, oryConfig(ory.url, { ...NO_LOAD_SHEDDING, API_ROUTES: JSON.stringify(routes), BODY_LIMIT_BYTES: '1024' }))
  const res = await app.inject({ method: 'POST', url: '/api/proxy/files/x', headers: { cookie: ory.signIn('ada'), 'x-csrf': '1', 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(2048) })
  t.equal(res.statusCode, 413)
  t.match(res.json(), { error: { code: 413 } })
  t.equal(ory.tokenizations().length, 0)
})
