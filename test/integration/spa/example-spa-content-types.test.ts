import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { EXAMPLE_SPA_DIR } from '../../../src/routes/static.js'
import { HTML, staticApp } from '../../helpers/static.js'

t.test('outside production the example SPA is served at / with the right media types', async t => {
  const app = staticApp(t)
  const cases = [
    { url: '/', file: 'index.html', type: /^text\/html; charset=utf-8$/ },
    { url: '/index.html', file: 'index.html', type: /^text\/html; charset=utf-8$/ },
    { url: '/app.js', file: 'app.js', type: /^(application|text)\/javascript; charset=utf-8$/ },
    { url: '/style.css', file: 'style.css', type: /^text\/css; charset=utf-8$/ }
  ]
  for (const { url, file, type } of cases) {
    const res = await app.inject({ url, headers: { accept: HTML } })
    t.equal(res.statusCode, 200, url)
    t.match(res.headers['content-type'], type, `${url}: content type`)
    t.equal(res.body, await readFile(join(EXAMPLE_SPA_DIR, file), 'utf8'), `${url}: the file itself`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${url}: no sniffing`)
    t.ok(res.headers.etag, `${url}: an ETag to revalidate with`)
  }
  const head = await app.inject({ method: 'HEAD', url: '/app.js' })
  t.equal(head.statusCode, 200, 'HEAD works')
  t.equal(head.body, '', 'HEAD has no body')
})
