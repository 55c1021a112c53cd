import t from 'tap'
import { auditObjects, createdIds } from '../../../src/admin/audit.js'
import { rewriteLinkHeader, rewriteOryUrl } from '../../../src/admin/links.js'
import { callParams, coerceParams, paramsSchema } from '../../../src/admin/params.js'
import { operations } from '../../../src/ory/generated/operations.js'
import { metadataGrants } from '../../../src/plugins/admin-policy.js'

t.test('query text becomes the value its schema says, and only then', async t => {
  const op = operations.listIdentities
  t.same(coerceParams(op, 'querystring', { page_size: '20', ids: 'a', consistency: 'strong', page_token: '5' }), { page_size: 20, ids: ['a'], consistency: 'strong', page_token: '5' })
  t.same(coerceParams(op, 'querystring', { page_size: '2.5', per_page: 'ten', ids: ['a', 'b'] }), { page_size: '2.5', per_page: 'ten', ids: ['a', 'b'] }, 'not an integer: left for the check to refuse')
  t.same(coerceParams(operations.listSessions, 'querystring', { active: 'true', expand: ['identity', 'devices'] }), { active: true, expand: ['identity', 'devices'] })
  t.same(coerceParams(operations.listSessions, 'querystring', { active: 'yes' }), { active: 'yes' })
  t.same(coerceParams(op, 'querystring', { unknown: 'x' }), { unknown: 'x' }, 'unknown names kept for the check')
  t.same(paramsSchema(operations.getVersion, 'querystring')?.properties, {}, 'no query parameters: an empty schema that refuses any')
  t.equal(paramsSchema(operations.getVersion, 'params'), undefined)
})

t.test('the client\'s params by key, from the checked path, query and body', async t => {
  t.same(callParams(operations.getIdentity, { id: 'i1' }, { include_credential: ['password'] }, undefined), { id: 'i1', include_credential: ['password'] })
  t.same(callParams(operations.createIdentity, {}, {}, { traits: {} }), { body: { traits: {} } })
})

t.test('Ory\'s Link and Location URLs become the admin API\'s', async t => {
  const base = { oryBase: 'https://ory.example/base', publicUrl: 'https://app.example' }
  t.equal(rewriteOryUrl('/admin/identities?page_size=2&page_token=x', { ...base, oryBase: 'https://ory.example' }), '/api/admin/identities?page_size=2&page_token=x', 'relative stays relative')
  t.equal(rewriteOryUrl('https://ory.example/base/admin/clients?page_token=y', base), 'https://app.example/api/admin/clients?page_token=y', 'absolute on PUBLIC_URL')
  t.equal(rewriteOryUrl('https://elsewhere.example/admin/clients', base), undefined, 'another origin is dropped')
  t.equal(rewriteOryUrl('https://ory.example/other/admin/clients', base), undefined, 'outside the base path is dropped')
  t.equal(rewriteLinkHeader('</admin/identities?page_token=a>; rel="first",</admin/identities?page_token=b>; rel="next"', { ...base, oryBase: 'https://ory.example' }),
    '</api/admin/identities?page_token=a>; rel="first", </api/admin/identities?page_token=b>; rel="next"')
  t.equal(rewriteLinkHeader('<https://evil.example/x>; rel="next"', base), undefined)
})

t.test('audit: ids from the path, a few query and body fields, and what a create made; nothing else', async t => {
  t.same(auditObjects(operations.getJsonWebKey, { set: 'hydra.openid', kid: 'k1' }, {}, undefined), { set: 'hydra.openid', kid: 'k1' })
  t.same(auditObjects(operations.revokeOAuth2ConsentSessions, {}, { subject: 's1', client: 'c1', all: true }, undefined), { subject: 's1', client: 'c1' })
  t.same(auditObjects(operations.createRecoveryLinkForIdentity, {}, { return_to: 'https://x' }, { identity_id: 'i1', expires_in: '1h' }), { identity_id: 'i1' })
  t.same(auditObjects(operations.acceptOAuth2LoginRequest, {}, { login_challenge: 'secret-challenge' }, { subject: 's' }), {}, 'never a challenge')
  t.same(createdIds({ client_id: 'c1', client_secret: 'shh', id: 'x' }), { id: 'x', client_id: 'c1' })
  t.same(createdIds([{ id: 'x' }]), {})
})

t.test('metadata_public policy: equal, or held by an array; nothing else', async t => {
  t.ok(metadataGrants({ roles: 'admin' }, 'roles', 'admin'))
  t.ok(metadataGrants({ roles: ['x', 'admin'] }, 'roles', 'admin'))
  t.notOk(metadataGrants({ roles: 'administrator' }, 'roles', 'admin'))
  t.notOk(metadataGrants({ roles: [['admin']] }, 'roles', 'admin'))
  t.notOk(metadataGrants({ roles: { admin: true } }, 'roles', 'admin'))
  t.notOk(metadataGrants(null, 'roles', 'admin'))
  t.notOk(metadataGrants(['admin'], '0', 'admin'), 'not an object')
  t.notOk(Object.hasOwn({}, 'roles') || metadataGrants(Object.create({ roles: 'admin' }), 'roles', 'admin'), 'inherited properties do not count')
})
