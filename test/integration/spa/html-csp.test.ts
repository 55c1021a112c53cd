import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { DEFAULT_STATIC_CSP } from '../../../src/config.js'
import { EXAMPLE_SPA_DIR } from '../../../src/routes/static.js'
import { HTML, staticApp } from '../../helpers/static.js'

t.test('HTML pages get the static policy and are revalidated on every load', async t => {
  const app = staticApp(t)
  for (const url of ['/', '/login?flow=abc']) {
    const res = await app.inject({ url, headers: { accept: HTML } })
    t.equal(res.headers['content-security-policy'], DEFAULT_STATIC_CSP, url)
    t.equal(res.headers['cache-control'], 'no-cache', `${url}: revalidated on every load`)
  }
})

t.test('the example page loads only same-origin files and has no inline script or style', async t => {
  const html = await readFile(join(EXAMPLE_SPA_DIR, 'index.html'), 'utf8')
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
  t.ok(scripts.length > 0)
  for (const [, attributes, body] of scripts) {
    t.match(attributes, /\bsrc="\/[^/]/, 'a script file of this origin')
    t.equal(body!.trim(), '', 'no inline script')
  }
  t.notMatch(html, /<style\b|\sstyle=|\son[a-z]+=/i, 'no inline style or event handler attribute')
  for (const [, href] of html.matchAll(/<link\b[^>]*href="([^"]*)"/g)) t.match(href, /^\/[^/]/, 'stylesheets from this origin')
})

t.test('JSON answers keep the strict policy', async t => {
  const app = staticApp(t)
  for (const url of ['/health/alive', '/no-such.json']) {
    const res = await app.inject({ url })
    t.match(res.headers['content-type'], /json/)
    t.match(res.headers['content-security-policy'], /^default-src 'none'/, url)
  }
})
