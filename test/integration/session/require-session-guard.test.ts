import t from 'tap'
import { buildApp } from '../../../src/app.js'
import { NO_LOAD_SHEDDING, testConfig } from '../../helpers/config.js'
import { json, startUpstream } from '../../helpers/upstream.js'
import { body, SESSION_INACTIVE, sessionJson } from '../../helpers/session.js'

// Any route of the app can ask for a signed-in user with `preHandler: app.requireSession` and read the typed
// `request.session`; without a session it answers Kratos's 401 and the handler never runs.

t.test('a route of its own guarded by requireSession', async t => {
  const upstream = await startUpstream((req, res) => {
    if (String(req.headers.cookie).includes('ory_session_project=good')) json(res, 200, sessionJson(upstream.url, { email: 'ada@example.com' }))
    else json(res, 401, { error: { code: 401, status: 'Unauthorized', message: 'no' } })
  })
  t.teardown(upstream.close)
  const app = buildApp(testConfig({ ORY_URL: upstream.url, ...NO_LOAD_SHEDDING }))
  t.teardown(async () => await app.close())
  // Routes use app.requireSession once the plugins have loaded (in a plugin registered after buildApp, or after this).
  await app.after()
  t.type(app.requireSession, 'function')
  let ran = 0
  app.get('/api/private', { preHandler: app.requireSession }, async request => {
    ran++
    // Typed: Session from src/schemas.
    const email = (request.session?.identity?.traits as { email?: string } | undefined)?.email
    return { email, sessionId: request.session?.id }
  })
  app.get('/api/public', async request => ({ session: request.session ?? null }))

  const ok = await app.inject({ url: '/api/private', headers: { cookie: 'ory_session_project=good' } })
  t.equal(ok.statusCode, 200)
  t.same(body(ok), { email: 'ada@example.com', sessionId: '5f4b5f0c-2c4f-4a4d-9d3a-0f5c2c8f1e77' })

  const denied = await app.inject({ url: '/api/private', headers: { cookie: 'ory_session_project=bad', 'x-request-id': 'guard-1' } })
  t.equal(denied.statusCode, 401)
  t.same(body(denied), { error: { ...SESSION_INACTIVE.error, request: 'guard-1' } })
  t.equal(ran, 1, 'the handler did not run without a session')

  t.same(body(await app.inject({ url: '/api/public', headers: { cookie: 'ory_session_project=good' } })), { session: null }, 'request.session is only set by the guard')
})
