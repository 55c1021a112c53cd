import t from 'tap'
import { ADA, ADMIN_TUPLE, adminApp, adminCall, KETO_POLICY, signIn } from '../../helpers/admin.js'

t.test('an identity that loses the Keto relation loses access once ADMIN_POLICY_CACHE_TTL_MS has passed, not before', async t => {
  let now = 1_000_000
  const { app, emu } = await adminApp(t, { env: { ...KETO_POLICY, ADMIN_POLICY_CACHE_TTL_MS: '2000' }, now: () => now })
  const ada = await signIn(t, app, ADA)
  t.equal((await adminCall(ada, 'GET', '/api/admin/version')).statusCode, 200)

  // The relation is removed in Keto directly, as another admin tool would.
  const removed = await fetch(`${emu.url}/admin/relation-tuples?${new URLSearchParams({ namespace: ADMIN_TUPLE.namespace, object: ADMIN_TUPLE.object, relation: ADMIN_TUPLE.relation, subject_id: ADA.id })}`, { method: 'DELETE' })
  t.equal(removed.status, 204)

  now += 1_999
  t.equal((await adminCall(ada, 'GET', '/api/admin/version')).statusCode, 200, 'the cached answer, within the TTL')
  now += 2
  t.equal((await adminCall(ada, 'GET', '/api/admin/version')).statusCode, 403, 'asked again once it has passed: no more')
})
