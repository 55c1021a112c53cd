import t from 'tap'
import { HTML, staticApp, tempTree } from '../../helpers/static.js'

// A static directory that happens to hold files under the BFF's own prefixes must not shadow them, and an unknown
// path below them is the API's JSON 404, never the SPA's page.
t.test('static files and the SPA fallback never answer below /.ory, /api, /health, /metrics, /openapi.json', async t => {
  const dir = await tempTree(t, {
    'index.html': '<!doctype html><title>app</title>',
    'api/session': 'STATIC-API',
    '.ory/sessions/whoami': 'STATIC-ORY',
    'health/alive': 'STATIC-HEALTH',
    'health/other.txt': 'STATIC-HEALTH-OTHER',
    'metrics/x.txt': 'STATIC-METRICS',
    'openapi.json/x': 'STATIC-OPENAPI',
    'apiary.txt': 'not reserved'
  })
  const app = staticApp(t, { STATIC_DIR: dir })
  const paths = [
    '/api/session', '/api/unknown', '/API/session', '/.ory/sessions/whoami', '/.ory/unknown', '/%2eory/unknown',
    '/health/other.txt', '/health/unknown', '/metrics/x.txt', '/openapi.json/x'
  ]
  for (const url of paths) {
    const res = await app.inject({ url, headers: { accept: HTML } })
    // The BFF's own answer: a 404, or whatever its route there says (the /.ory mirror: 502, Ory is a closed port).
    t.not(res.statusCode, 200, url)
    t.match(res.headers['content-type'], /^application\/json/, `${url}: JSON, not the SPA`)
    t.notMatch(res.body, /STATIC-|<title>/, `${url}: nothing from the static directory`)
  }
  t.equal((await app.inject({ url: '/health/alive' })).json().status, 'ok', 'the real route answers')
  t.match((await app.inject({ url: '/openapi.json' })).json(), { openapi: '3.1.0' })
  t.equal((await app.inject({ url: '/apiary.txt' })).body, 'not reserved', 'a name that only starts like a prefix is served')
})

t.test('a custom ORY_PATH_PREFIX is reserved too', async t => {
  const dir = await tempTree(t, { 'index.html': '<!doctype html><title>app</title>', 'ory/x.txt': 'STATIC' })
  const app = staticApp(t, { STATIC_DIR: dir, ORY_PATH_PREFIX: '/ory' })
  const res = await app.inject({ url: '/ory/x.txt', headers: { accept: HTML } })
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /json/)
})
