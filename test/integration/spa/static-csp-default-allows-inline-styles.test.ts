import t from 'tap'
import { HTML, staticApp, tempTree } from '../../helpers/static.js'

// Ory Elements' dependencies (sonner's toasts, the one-time-code input, dropdowns) add <style> elements at run time:
// the default policy of a static page must allow inline styles, and nothing more than that.

function directives (policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map(part => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]))
}

t.test('the default policy of a static page allows inline styles and still forbids inline scripts', async t => {
  const dir = await tempTree(t, { 'index.html': '<!doctype html><title>spa</title>', 'app.js': '' })
  const app = staticApp(t, { STATIC_DIR: dir })
  for (const url of ['/', '/index.html', '/login?flow=abc']) {
    const res = await app.inject({ url, headers: { accept: HTML } })
    t.equal(res.statusCode, 200, url)
    const policy = directives(String(res.headers['content-security-policy']))
    t.same(policy.get('style-src'), ["'self'", "'unsafe-inline'"], `${url}: styles of this origin and inline ones`)
    t.same(policy.get('script-src'), ["'self'"], `${url}: scripts of this origin only: no inline script, no eval`)
    t.same(policy.get('default-src'), ["'self'"], url)
    t.same(policy.get('img-src'), ["'self'", 'data:'], `${url}: and data: images (TOTP QR codes)`)
    t.same(policy.get('connect-src'), ["'self'"], `${url}: fetch: same origin only (/.ory, /api)`)
    t.same(policy.get('object-src'), ["'none'"], url)
    t.same(policy.get('base-uri'), ["'none'"], url)
    t.same(policy.get('frame-ancestors'), ["'none'"], `${url}: never framed`)
    t.same(policy.get('form-action'), ["'self'"], url)
    t.equal(policy.size, 9, `${url}: no other directive`)
  }
})
