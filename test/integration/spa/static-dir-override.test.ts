import t from 'tap'
import { HTML, staticApp, tempTree } from '../../helpers/static.js'

t.test('STATIC_DIR replaces the example SPA, in development and in production', async t => {
  const dir = await tempTree(t, {
    'index.html': '<!doctype html><title>my app</title>',
    'assets/main.js': 'console.log("mine")',
    'assets/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'docs/index.html': '<!doctype html><title>docs</title>'
  })
  for (const env of [{ STATIC_DIR: dir }, { STATIC_DIR: dir, NODE_ENV: 'production' }] as Array<Record<string, string>>) {
    const app = staticApp(t, env)
    const label = env.NODE_ENV ?? 'development'
    const root = await app.inject({ url: '/', headers: { accept: HTML } })
    t.equal(root.body, '<!doctype html><title>my app</title>', `${label}: the directory's own index.html`)
    const js = await app.inject({ url: '/assets/main.js' })
    t.equal(js.body, 'console.log("mine")')
    t.match(js.headers['content-type'], /javascript/)
    t.match((await app.inject({ url: '/assets/logo.svg' })).headers['content-type'], /^image\/svg\+xml/)
    t.equal((await app.inject({ url: '/docs', headers: { accept: HTML } })).body, '<!doctype html><title>docs</title>', 'a directory serves its index.html')
    t.equal((await app.inject({ url: '/app.js' })).statusCode, 404, `${label}: the example SPA is not served`)
    t.equal((await app.inject({ url: '/dashboard', headers: { accept: HTML } })).body, '<!doctype html><title>my app</title>', 'the fallback is the directory\'s page')
  }
})

t.test('a STATIC_DIR without index.html has no fallback', async t => {
  const dir = await tempTree(t, { 'robots.txt': 'User-agent: *' })
  const app = staticApp(t, { STATIC_DIR: dir })
  t.equal((await app.inject({ url: '/robots.txt' })).body, 'User-agent: *')
  const res = await app.inject({ url: '/page', headers: { accept: HTML } })
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /json/)
})
