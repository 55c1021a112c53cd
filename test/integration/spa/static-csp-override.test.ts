import t from 'tap'
import { HTML, staticApp, tempTree } from '../../helpers/static.js'

// STATIC_CSP replaces the static pages' policy exactly, for an SPA that needs a stricter (or a different) one; the
// BFF's JSON answers keep their own `default-src 'none'` whatever it says.

const POLICY = "default-src 'self'; style-src 'self'; frame-ancestors 'none'; report-uri /csp-reports"

t.test('STATIC_CSP is the policy of every static page, as given, and JSON keeps the strict one', async t => {
  const dir = await tempTree(t, { 'index.html': '<!doctype html><title>spa</title>', 'about/index.html': '<!doctype html>' })
  const app = staticApp(t, { STATIC_DIR: dir, STATIC_CSP: ` ${POLICY} ` })
  for (const url of ['/', '/index.html', '/about/', '/login?flow=abc']) {
    const res = await app.inject({ url, headers: { accept: HTML } })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-security-policy'], POLICY, url)
  }
  for (const url of ['/health/alive', '/no-such.json']) {
    const res = await app.inject({ url })
    t.match(res.headers['content-type'], /json/, url)
    t.match(res.headers['content-security-policy'], /^default-src 'none';/, url)
  }
})
