import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

const EXPECTED = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store'
}

t.test('security headers and Cache-Control: no-store on every answer the BFF generates', async t => {
  const app = buildTestApp(t, testConfig())
  for (const url of ['/health/alive', '/health/ready', '/metrics', '/openapi.json', '/no/such/route']) {
    const res = await app.inject({ url })
    for (const [name, value] of Object.entries(EXPECTED)) t.equal(res.headers[name], value, `${url}: ${name}`)
    t.match(res.headers['content-security-policy'], /^default-src 'none'; frame-ancestors 'none'/, `${url}: a strict CSP`)
    t.equal(res.headers['strict-transport-security'], undefined, 'no HSTS while the public URL is http')
  }
})

t.test('HSTS when the browser reaches the BFF over https', async t => {
  const app = buildTestApp(t, testConfig({ PUBLIC_URL: 'https://app.example.com' }))
  t.equal((await app.inject({ url: '/health/alive' })).headers['strict-transport-security'], 'max-age=31536000')
})

t.test('a route that sets its own caching or framing policy keeps it', async t => {
  const app = buildTestApp(t, testConfig())
  app.get('/test/asset', async (_request, reply) => {
    return await reply.header('cache-control', 'public, max-age=3600').header('x-frame-options', 'SAMEORIGIN').type('text/css').send('body{}')
  })
  const res = await app.inject({ url: '/test/asset' })
  t.equal(res.headers['cache-control'], 'public, max-age=3600')
  t.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['content-security-policy'], undefined, 'the JSON policy is not forced onto other content')
})
