import t from 'tap'
import { startUpstream } from '../../helpers/upstream.js'
import { ADA, adminApp, adminCall, signIn } from '../../helpers/admin.js'
import { forwardTo } from '../../helpers/forward.js'
import { buildTestApp } from '../../helpers/app.js'
import { NO_LOAD_SHEDDING, oryConfig } from '../../helpers/config.js'

t.test('an admin call whose answer is not JSON (a proxy\'s HTML page), or that Ory never answers, is a 502 or 504 in Ory\'s shape', async t => {
  const { emu } = await adminApp(t)
  let mode: 'html' | 'hang' | 'pass' = 'pass'
  const ory = await startUpstream(async (req, res) => {
    if (mode !== 'pass' && req.url.startsWith('/admin/')) {
      if (mode === 'hang') return
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end('<html><body>Bad gateway</body></html>')
      return
    }
    await forwardTo(emu.url, req, res)
  })
  t.teardown(ory.close)
  const app = buildTestApp(t, oryConfig(ory.url, { ...NO_LOAD_SHEDDING, ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin', UPSTREAM_TIMEOUT_MS: '300' }))
  await app.ready()
  const ada = await signIn(t, app, ADA)
  t.equal((await adminCall(ada, 'GET', '/api/admin/identities')).statusCode, 200)

  mode = 'html'
  const html = await adminCall(ada, 'GET', '/api/admin/identities')
  t.equal(html.statusCode, 502)
  t.match(html.headers['content-type'], /^application\/json/)
  t.match(html.json(), { error: { code: 502, status: 'Bad Gateway' } })
  t.notMatch(html.body, /<html>/)

  mode = 'hang'
  const hung = await adminCall(ada, 'GET', '/api/admin/identities')
  t.equal(hung.statusCode, 504)
  t.match(hung.json(), { error: { code: 504 } })
})
