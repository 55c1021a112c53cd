import t from 'tap'
import { ADA, adminApp, adminCall, GRACE, signIn } from '../../helpers/admin.js'

t.test('a session revoked, or an identity changed, through the admin API counts at once, not when the session cache expires', async t => {
  const { app } = await adminApp(t, { env: { SESSION_CACHE_TTL_MS: '600000' } })
  const ada = await signIn(t, app, ADA)
  const grace = await signIn(t, app, GRACE)
  const session = await adminCall(grace, 'GET', '/api/session')
  t.equal(session.statusCode, 200, 'Grace is signed in, and her session is now cached')

  const sessions = (await adminCall(ada, 'GET', `/api/admin/identities/${GRACE.id}/sessions`)).json() as Array<{ id: string }>
  t.equal(sessions.length, 1)
  const revoked = await adminCall(ada, 'DELETE', `/api/admin/sessions/${sessions[0]!.id}`, undefined, { 'ory-bff-confirm': 'disableSession' })
  t.equal(revoked.statusCode, 204)
  t.equal((await adminCall(grace, 'GET', '/api/session')).statusCode, 401, 'her next call is signed out')

  // Ada's role taken away by changing her metadata: her own cached session no longer lets her in.
  t.equal((await adminCall(ada, 'GET', '/api/admin/version')).statusCode, 200)
  const patched = await adminCall(ada, 'PATCH', `/api/admin/identities/${ADA.id}`, [{ op: 'replace', path: '/metadata_public', value: { roles: ['support'] } }])
  t.equal(patched.statusCode, 200)
  t.equal((await adminCall(ada, 'GET', '/api/admin/version')).statusCode, 403, 'the policy sees the new metadata at once')
})
