import t from 'tap'
import { buildApp } from '../../../src/app.js'
import { requirePermission } from '../../../src/plugins/permissions.js'
import { requireSession } from '../../../src/plugins/session.js'
import { NO_LOAD_SHEDDING, testConfig } from '../../helpers/config.js'
import { json, startUpstream } from '../../helpers/upstream.js'
import { sessionJson } from '../../helpers/session.js'

// `app.requireSession` is undefined until the plugins have loaded, and Fastify takes an undefined hook for none: a
// route declared right after buildApp would be left open. The exported guards look the plugins up per request.

t.test('the exported guards protect a route declared before the plugins load', async t => {
  const upstream = await startUpstream((req, res) => {
    if (req.url.startsWith('/relation-tuples/check')) return json(res, 200, { allowed: false })
    if (String(req.headers.cookie).includes('ory_session_project=good')) return json(res, 200, sessionJson(upstream.url))
    json(res, 401, { error: { code: 401, status: 'Unauthorized', message: 'no' } })
  })
  t.teardown(upstream.close)
  const app = buildApp(testConfig({ ORY_URL: upstream.url, ...NO_LOAD_SHEDDING }))
  t.teardown(async () => await app.close())
  t.equal(app.hasDecorator('requireSession'), false, 'the plugins have not loaded yet')
  app.get('/api/early', { preHandler: requireSession }, async request => ({ id: request.session?.id }))
  app.get('/api/early-document', { onRequest: requirePermission('Document', 'd1', 'view') }, async () => ({ seen: true }))

  t.equal((await app.inject({ url: '/api/early' })).statusCode, 401, 'no session: 401')
  const signedIn = await app.inject({ url: '/api/early', headers: { cookie: 'ory_session_project=good' } })
  t.equal(signedIn.statusCode, 200)
  t.equal(signedIn.json().id, '5f4b5f0c-2c4f-4a4d-9d3a-0f5c2c8f1e77')
  t.equal((await app.inject({ url: '/api/early-document' })).statusCode, 401, 'permission guard: no session, 401')
  t.equal((await app.inject({ url: '/api/early-document', headers: { cookie: 'ory_session_project=good' } })).statusCode, 403, 'Keto says no: 403')
})
