import t from 'tap'
import { loadConfig } from '../../../src/config.js'
import { ADA, permissionsApp, signIn, spaPost } from '../../helpers/permissions.js'

t.test('answers are not cached unless PERMISSION_CACHE_TTL_MS is set: every check asks Keto', async t => {
  const defaults = loadConfig({ ORY_URL: 'http://127.0.0.1:9' })
  t.equal(defaults.permissionCacheTtlMs, 0, 'the cache is off by default')

  const { app, ketoCalls } = await permissionsApp(t, {
    tuples: [{ namespace: 'Document', object: 'plans', relation: 'view', subject_id: ADA.id }]
  })
  t.equal(app.permissions.cache.enabled, false)
  const ada = await signIn(t, app, ADA)
  const tuple = { namespace: 'Document', object: 'plans', relation: 'view' }
  for (let i = 0; i < 3; i++) {
    t.same((await spaPost(ada, '/api/permissions/check', tuple)).json(), { allowed: true })
    t.same((await spaPost(ada, '/api/permissions/check/batch', { tuples: [tuple] })).json(), { results: [{ allowed: true }] })
  }
  t.equal(ketoCalls().length, 6, 'six checks, six calls')
  t.equal(app.permissions.cache.size, 0)
})
