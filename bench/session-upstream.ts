import { createServer } from 'node:http'
import { performance } from 'node:perf_hooks'
import { SESSION_COOKIE_NAME, SESSION_UNAUTHORIZED, send, sessionBody } from './common.js'
import type { SessionBenchCommand } from './session-common.js'

// The session bench's stand-in for Ory: whoami answers after WHOAMI_DELAY_MS (20 ms, a realistic round trip to Ory
// Network) and every whoami call is recorded, so that the runner can count the calls the BFF's cache let through.

const DELAY_MS = Number(process.env.BENCH_WHOAMI_DELAY_MS ?? '20')
const server = createServer()
let session = Buffer.alloc(0)
const unauthorized = Buffer.from(SESSION_UNAUTHORIZED)
const schemas = Buffer.from('[]')
const sessionPattern = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE_NAME}=`)
/** performance.timeOrigin-based milliseconds of every whoami call. */
const calls: number[] = []

server.on('request', (req, res) => {
  const path = (req.url ?? '/').split('?', 1)[0]
  if (req.method === 'GET' && path === '/sessions/whoami') {
    calls.push(performance.timeOrigin + performance.now())
    const authorized = sessionPattern.test(req.headers.cookie ?? '')
    const body = authorized ? session : unauthorized
    setTimeout(() => {
      res.writeHead(authorized ? 200 : 401, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': body.length,
        'cache-control': 'private, no-cache, no-store, must-revalidate',
        vary: 'Origin, Cookie'
      })
      res.end(body)
    }, DELAY_MS)
    return
  }
  if (req.method === 'GET' && path === '/schemas') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': schemas.length })
    res.end(schemas)
    return
  }
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
  res.end('{"error":{"code":404,"status":"Not Found","message":"The requested resource could not be found"}}')
})

server.keepAliveTimeout = 72_000
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number }
  const origin = `http://127.0.0.1:${port}`
  // The canned session with an expiry a day ahead: an expired session would (rightly) never be cached.
  const parsed = JSON.parse(sessionBody(origin)) as { expires_at: string }
  parsed.expires_at = new Date(Date.now() + 24 * 3600_000).toISOString()
  session = Buffer.from(JSON.stringify(parsed))
  send({ type: 'ready', port })
})
process.on('message', (command: SessionBenchCommand) => {
  if (command.type === 'calls') process.send!({ type: 'calls', times: calls.splice(0) })
  if (command.type === 'exit') process.exit(0)
})
process.on('disconnect', () => process.exit(0))
