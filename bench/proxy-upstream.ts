import { createServer } from 'node:http'
import type { Command } from './common.js'
import { send } from './common.js'

// The API behind /api/proxy in `npm run bench:proxy`: plain node:http in a process of its own (its CPU is not the
// proxy's), answering every GET with the same small JSON body (~200 bytes), and 401 when no bearer token came, so
// that a proxy that does not pass the token shows up as wrong statuses instead of fast numbers.

const BODY = Buffer.from(JSON.stringify({
  orders: [
    { id: 'ord_9f2c4e1a', status: 'shipped', total: { amount: 4250, currency: 'EUR' } },
    { id: 'ord_3b7d5a90', status: 'pending', total: { amount: 1999, currency: 'EUR' } }
  ],
  next: null,
  requestedAt: '2024-11-14T09:21:43Z'
}))
const UNAUTHORIZED = Buffer.from('{"error":"missing bearer token"}')

const server = createServer((req, res) => {
  const authorization = req.headers.authorization
  const ok = typeof authorization === 'string' && authorization.startsWith('Bearer ') && authorization.length > 20
  const body = ok ? BODY : UNAUTHORIZED
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, 'cache-control': 'private, no-store' })
  res.end(body)
})
server.keepAliveTimeout = 72_000
server.listen(0, '127.0.0.1', () => {
  send({ type: 'ready', port: (server.address() as { port: number }).port })
})
process.on('message', (command: Command) => {
  if (command.type === 'exit') process.exit(0)
})
process.on('disconnect', () => process.exit(0))
