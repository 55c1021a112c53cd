import t from 'tap'
import { ADA, permissionsApp, signIn, spaPost } from '../../helpers/permissions.js'

t.test('Keto down is a 502 in Ory\'s shape, and the failure is not cached', async t => {
  const { app, ketoCalls, setKetoDown } = await permissionsApp(t, {
    env: { PERMISSION_CACHE_TTL_MS: '60000' },
    tuples: [{ namespace: 'Document', object: 'plans', relation: 'view', subject_id: ADA.id }]
  })
  const ada = await signIn(t, app, ADA)
  const tuple = { namespace: 'Document', object: 'plans', relation: 'view' }

  setKetoDown(true)
  for (const [url, body] of [['/api/permissions/check', tuple], ['/api/permissions/check/batch', { tuples: [tuple] }]] as const) {
    const res = await spaPost(ada, url, body)
    t.equal(res.statusCode, 502, url)
    const { error } = res.json()
    t.equal(error.code, 502)
    t.equal(error.id, 'upstream_unavailable')
    t.equal(error.request, res.headers['x-request-id'])
    t.notMatch(res.body, /127\.0\.0\.1/, 'the upstream\'s address is not revealed')
  }
  t.equal(app.permissions.cache.size, 0, 'nothing was cached')
  const failed = ketoCalls().length
  t.ok(failed >= 2, 'Keto was asked')

  setKetoDown(false)
  t.same((await spaPost(ada, '/api/permissions/check', tuple)).json(), { allowed: true }, 'Keto is asked again once it is back')
  t.equal(ketoCalls().length, failed + 1)
})
