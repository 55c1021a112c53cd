import { randomBytes, randomUUID } from 'node:crypto'
import { CSRF_COOKIE_NAME, serveStandIn, sessionBody } from './common.js'

// The bench's stand-in for Ory: plain node:http with canned, realistic answers, so that both servers under test
// talk to the same, cheap upstream. It checks what a proxy must get right (the session cookie arrives) so that a
// broken proxy shows up as wrong statuses instead of fast numbers.

serveStandIn({
  schemas: JSON.stringify([{ id: 'default', url: 'http://127.0.0.1/schemas/ZGVmYXVsdA' }]),
  session: sessionBody,
  route: (req, res, path, origin) => {
    if (req.method !== 'GET' || path !== '/self-service/login/browser') return false
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
    return true
  }
})
