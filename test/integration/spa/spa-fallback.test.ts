import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { EXAMPLE_SPA_DIR } from '../../../src/routes/static.js'
import { HTML, staticApp } from '../../helpers/static.js'

t.test('an unknown path asked for as a page gets index.html, so SPA routes and Ory\'s UI URLs load the app', async t => {
  const app = staticApp(t)
  const index = await readFile(join(EXAMPLE_SPA_DIR, 'index.html'), 'utf8')
  for (const url of ['/login?flow=8a3c', '/registration', '/settings/deep/path', '/error?id=42']) {
    const res = await app.inject({ url, headers: { accept: HTML } })
    t.equal(res.statusCode, 200, url)
    t.match(res.headers['content-type'], /^text\/html/, url)
    t.equal(res.body, index, `${url}: the SPA's page`)
  }
})

t.test('no fallback for requests that do not ask for HTML, or that are not GET', async t => {
  const app = staticApp(t)
  for (const [url, accept] of [['/missing.js', '*/*'], ['/login', 'application/json'], ['/login', '']] as const) {
    const res = await app.inject({ url, headers: accept === '' ? {} : { accept } })
    t.equal(res.statusCode, 404, `${url} (${accept === '' ? 'no Accept' : accept})`)
    t.match(res.json(), { error: { code: 404 } }, 'the JSON 404 in Ory\'s shape')
  }
  for (const method of ['POST', 'PUT', 'DELETE'] as const) {
    const res = await app.inject({ method, url: '/login', headers: { accept: HTML } })
    t.equal(res.statusCode, 404, `${method} /login`)
    t.match(res.headers['content-type'], /json/)
  }
})
