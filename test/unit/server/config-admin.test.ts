import t from 'tap'
import { refused } from '../../helpers/config.js'
import { loadConfig } from '../../../src/config.js'

// ADMIN_API and what it needs: off by default, a policy of one of two forms when on, lists of names, limits.

const ORY = { ORY_URL: 'https://example.projects.oryapis.com', PUBLIC_URL: 'https://app.example.com' }

t.test('off by default; the admin variables without ADMIN_API=on are a mistake, not silently ignored', async t => {
  t.equal(loadConfig(ORY).admin, undefined)
  for (const name of ['ADMIN_POLICY', 'ADMIN_ALLOW', 'ADMIN_DENY']) {
    t.equal(refused({ ...ORY, [name]: 'identity' }).variable, name)
  }
  t.match(refused({ ...ORY, ADMIN_API: 'yes' }).message, /^ADMIN_API: must be off or on/)
})

t.test('ADMIN_API=on needs ADMIN_POLICY, in one of its two forms', async t => {
  t.match(refused({ ...ORY, ADMIN_API: 'on' }).message, /^ADMIN_POLICY: is required with ADMIN_API=on/)
  t.same(loadConfig({ ...ORY, ADMIN_API: 'on', ADMIN_POLICY: 'keto:Admin:bff#member' }).admin?.policy, { kind: 'keto', namespace: 'Admin', object: 'bff', relation: 'member' })
  t.same(loadConfig({ ...ORY, ADMIN_API: 'on', ADMIN_POLICY: 'keto:Team:org:acme#admins' }).admin?.policy, { kind: 'keto', namespace: 'Team', object: 'org:acme', relation: 'admins' }, 'an object may hold a colon')
  t.same(loadConfig({ ...ORY, ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin' }).admin?.policy, { kind: 'metadata_public', key: 'roles', value: 'admin' })
  for (const policy of ['admin', 'keto:Admin:bff', 'keto:Admin#member', 'keto::bff#member', 'keto:Admin:bff#member@x', 'metadata_public:roles', 'metadata_public:=admin', 'metadata_admin:roles=admin', 'metadata_public:roles=a b']) {
    const err = refused({ ...ORY, ADMIN_API: 'on', ADMIN_POLICY: policy })
    t.equal(err.variable, 'ADMIN_POLICY', policy)
    t.match(err.message, /keto:<namespace>:<object>#<relation>.*metadata_public:<key>=<value>/)
  }
})

t.test('ADMIN_ALLOW and ADMIN_DENY are lists of names; the limits have defaults', async t => {
  const admin = loadConfig({ ...ORY, ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin', ADMIN_ALLOW: 'identity, getVersion', ADMIN_DENY: 'deleteIdentity' }).admin!
  t.same(admin.allow, ['identity', 'getVersion'])
  t.same(admin.deny, ['deleteIdentity'])
  t.same(admin.rateLimit, { max: 120, windowMs: 60_000 })
  t.equal(admin.policyCacheTtlMs, 5_000)
  t.equal(loadConfig({ ...ORY, ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin' }).admin!.allow, undefined, 'unset: all')
  t.equal(refused({ ...ORY, ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin', ADMIN_DENY: 'delete-identity' }).variable, 'ADMIN_DENY')
  t.equal(refused({ ...ORY, ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin', ADMIN_RATE_LIMIT: '0' }).variable, 'ADMIN_RATE_LIMIT')
})
