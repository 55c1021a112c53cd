import t from 'tap'
import { request } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { withProxy } from '../../helpers/proxy.js'

// A browser that goes away takes its API call with it: the connection to the API is closed instead of waiting for an
// answer nobody will read.

t.test('the browser aborts while the API thinks: the API\'s connection is closed', async t => {
  const { app, ory, handle, api } = await withProxy(t)
  let apiSocket: Socket | undefined
  const arrived = new Promise<void>(resolve => handle((_req, _res, socket) => {
    apiSocket = socket
    resolve()
  }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const req = request({ host: '127.0.0.1', port, path: '/api/proxy/orders/slow', headers: { cookie: ory.signIn('ada'), 'x-csrf': '1' }, agent: false })
  req.on('error', () => {})
  req.end()
  await arrived
  const closed = new Promise<void>(resolve => {
    if (apiSocket!.destroyed) resolve()
    else apiSocket!.once('close', () => resolve())
  })
  req.destroy()
  await closed
  t.equal(api.requests.length, 1)
  t.pass('the call to the API was cut short')
})
