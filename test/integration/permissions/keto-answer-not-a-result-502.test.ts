import t from 'tap'
import { ADA, permissionsApp, signIn, spaPost } from '../../helpers/permissions.js'

// A Keto (or something in its place) that answers 200 with a body that is not the documented result: never an
// "allowed" that is merely truthy, never a 500, never a cached answer.
const TUPLE = { namespace: 'Document', object: 'plans', relation: 'view' }
const MALFORMED = ['{}', '{"allowed":"false"}', '{"allowed":1}', '[]', 'null', '{"results":[]}']
const MALFORMED_BATCH = ['{}', '{"results":{}}', '{"results":[{"allowed":"true"}]}', '{"results":[null]}', '{"allowed":true}']

t.test('a 200 from Keto that is not a CheckPermissionResult is a 502, and requirePermission does not let the request through', async t => {
  let handled = 0
  const { app, setKetoAnswer } = await permissionsApp(t, {
    env: { PERMISSION_CACHE_TTL_MS: '60000' },
    routes: app => {
      app.register(async guarded => {
        guarded.get('/api/test/guarded', { onRequest: app.requirePermission('Document', 'plans', 'view') }, async () => {
          handled++
          return { ok: true }
        })
      })
    }
  })
  const ada = await signIn(t, app, ADA)
  for (const body of MALFORMED) {
    setKetoAnswer({ status: 200, body })
    const check = await spaPost(ada, '/api/permissions/check', TUPLE)
    t.equal(check.statusCode, 502, `check: ${body}`)
    t.equal(check.json().error.id, 'upstream_bad_response', `check: ${body}`)
    t.equal(check.json().error.request, check.headers['x-request-id'])

    const guarded = await ada.json('GET', '/api/test/guarded')
    t.equal(guarded.statusCode, 502, `guard: ${body}`)
  }
  t.equal(handled, 0, 'the guarded handler never ran')
  t.equal(app.permissions.cache.size, 0, 'nothing was cached')

  setKetoAnswer({ status: 200, body: '{"allowed":false}' })
  t.equal((await ada.json('GET', '/api/test/guarded')).statusCode, 403, 'a well-formed denial is still a 403')
})

t.test('a 200 from Keto that is not a BatchCheckPermissionResult is a 502', async t => {
  const { app, setKetoAnswer } = await permissionsApp(t)
  const ada = await signIn(t, app, ADA)
  for (const body of MALFORMED_BATCH) {
    setKetoAnswer({ status: 200, body })
    const res = await spaPost(ada, '/api/permissions/check/batch', { tuples: [TUPLE] })
    t.equal(res.statusCode, 502, body)
    t.equal(res.json().error.id, 'upstream_bad_response', body)
  }
})
