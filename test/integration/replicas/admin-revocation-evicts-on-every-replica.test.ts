import t from 'tap'
import { ADA, adminApp, adminCall, GRACE, signIn } from '../../helpers/admin.js'
import { buildTestApp } from '../../helpers/app.js'
import { startRedis } from '../../helpers/redis.js'
import { hearing, sessionStatus } from '../../helpers/replicas.js'

// A session revoked through one replica's admin API is signed out on another replica at once: the admin route's
// eviction goes out on the fan-out like a logout's (the other replica's cache TTL is ten minutes here).

t.test('DELETE /api/admin/sessions/:id on one replica: the session is signed out on the other', async t => {
  const redis = await startRedis(t)
  const { app: a, config } = await adminApp(t, { env: { SESSION_CACHE_TTL_MS: '600000', REDIS_URL: redis.url } })
  const b = buildTestApp(t, config)
  await b.ready()
  await hearing([{ app: a }, { app: b }])
  const ada = await signIn(t, a, ADA)
  const grace = await signIn(t, a, GRACE)
  const cookie = grace.jar.header()
  t.equal(await sessionStatus(b, cookie), 200, 'Grace is signed in on the other replica, and cached there')
  t.equal(await sessionStatus(b, cookie), 200)

  const sessions = (await adminCall(ada, 'GET', `/api/admin/identities/${GRACE.id}/sessions`)).json() as Array<{ id: string }>
  const revoked = await adminCall(ada, 'DELETE', `/api/admin/sessions/${sessions[0]!.id}`, undefined, { 'ory-bff-confirm': 'disableSession' })
  t.equal(revoked.statusCode, 204)
  let status = 200
  for (let attempt = 0; attempt < 50 && status === 200; attempt++) {
    status = await sessionStatus(b, cookie)
    if (status === 200) await new Promise(resolve => setTimeout(resolve, 5))
  }
  t.equal(status, 401, 'signed out on the other replica')
  t.equal(await sessionStatus(b, ada.jar.header()), 200, 'the admin who revoked it is still signed in there')
})
