import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { CSRF_COOKIE_NAME, SESSION_COOKIE_NAME, SESSION_UNAUTHORIZED, send, sessionBody, type Command } from './common.js'

// The bench's stand-in for Ory: plain node:http with canned, realistic answers, so that both servers under test
// talk to the same, cheap upstream. It checks what a proxy must get right (the session cookie arrives) so that a
// broken proxy shows up as wrong statuses instead of fast numbers.

const server = createServer()
let origin = ''
let session = Buffer.alloc(0)
const unauthorized = Buffer.from(SESSION_UNAUTHORIZED)
const schemas = Buffer.from(JSON.stringify([{ id: 'default', url: 'http://127.0.0.1/schemas/ZGVmYXVsdA' }]))
const sessionPattern = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE_NAME}=`)

server.on('request', (req, res) => {
  const path = (req.url ?? '/').split('?', 1)[0]
  if (req.method === 'GET' && path === '/sessions/whoami') {
    const authorized = sessionPattern.test(req.headers.cookie ?? '')
    const body = authorized ? session : unauthorized
    res.writeHead(authorized ? 200 : 401, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'private, no-cache, no-store, must-revalidate',
      vary: 'Origin, Cookie'
    })
    res.end(body)
    return
  }
  if (req.method === 'GET' && path === '/self-service/login/browser') {
    // Kratos: a 303, the anti-CSRF cookie and the continuity cookie, each with Ory's Domain, and the body Go's
    // http.Redirect writes. The Location is on Ory's origin below a path the mirror serves (the new flow's own URL), so
    // that both servers have it to rewrite; Ory's hosted UI (/ui/login) is not mirrored and the BFF rightly leaves it.
    const location = `${origin}/self-service/login?flow=${randomUUID()}`
    const body = `<a href="${location}">See Other</a>.\n\n`
    const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString()
    res.writeHead(303, {
      location,
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'private, no-cache, no-store, must-revalidate',
      'set-cookie': [
        `${CSRF_COOKIE_NAME}=${randomBytes(32).toString('base64')}; Path=/; Domain=127.0.0.1; Expires=${expires}; Max-Age=31536000; HttpOnly; SameSite=Lax`,
        `ory_kratos_continuity=${randomBytes(48).toString('base64url')}; Path=/; Domain=127.0.0.1; Max-Age=3600; HttpOnly; SameSite=Lax`
      ]
    })
    res.end(body)
    return
  }
  if (req.method === 'GET' && path === '/schemas') {
    // The BFF's readiness probe.
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
  origin = `http://127.0.0.1:${port}`
  session = Buffer.from(sessionBody(origin))
  send({ type: 'ready', port })
})
process.on('message', (command: Command) => {
  if (command.type === 'exit') process.exit(0)
})
process.on('disconnect', () => process.exit(0))
