import t from 'tap'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { withProxy } from '../../helpers/proxy.js'

// An API that breaks the connection halfway through its body: the status is already on its way to the browser, so the
// browser's answer is cut off too (an aborted response, never a complete-looking one), and the BFF carries on.

t.test('the API resets mid-body: the browser sees an aborted answer, the BFF keeps serving', async t => {
  const { app, ory, handle, logs } = await withProxy(t)
  const cookie = ory.signIn('ada')
  handle((_req, res, socket) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000000' })
    res.write(Buffer.alloc(1000, 0x62), () => socket.resetAndDestroy())
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  const outcome = await new Promise<{ status: number, bytes: number, complete: boolean, failed: boolean }>(resolve => {
    let bytes = 0
    let status = 0
    const req = request({ host: '127.0.0.1', port, path: '/api/proxy/orders/big', headers: { cookie, 'x-csrf': '1' }, agent: false }, res => {
      status = res.statusCode ?? 0
      res.on('data', (chunk: Buffer) => { bytes += chunk.length })
      res.on('end', () => resolve({ status, bytes, complete: res.complete, failed: false }))
      res.on('error', () => resolve({ status, bytes, complete: res.complete, failed: true }))
    })
    req.on('error', () => resolve({ status, bytes, complete: false, failed: true }))
    req.end()
  })
  t.ok(outcome.failed || !outcome.complete || outcome.status >= 500, `cut off (status ${outcome.status}, ${outcome.bytes} bytes)`)
  t.ok(outcome.bytes < 1_000_000, 'never the whole body')

  handle((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('fine') })
  const next = await app.inject({ method: 'GET', url: '/api/proxy/orders/next', headers: { cookie, 'x-csrf': '1' } })
  t.equal(next.statusCode, 200)
  t.equal(next.body, 'fine')
  t.notOk(logs.text().includes(cookie.split('=')[1]!), 'the session cookie is not in the logs')
})
