import { readFileSync } from 'node:fs'
import t from 'tap'
import { adminOperations, adminPath, CONSOLE_GROUPS, isDestructive, PROJECT_GROUPS, selectOperations } from '../../../src/admin/operations.js'

// Checked against the spec itself, as the client's coverage test is: every admin operation of the listed groups has
// a route, at the path the rule gives, and no two collide.

interface SpecOperation { operationId: string, tags?: string[], security?: Array<Record<string, unknown>> }
const spec = JSON.parse(readFileSync(new URL('../../../../shared/ory/openapi-v1.21.6.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, SpecOperation>> }
const specOps = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), ...op })))

t.test('every operation of the admin groups that needs the project\'s or the workspace\'s API key has a route', async t => {
  const routes = adminOperations({ console: true })
  const expected = specOps.filter(op => {
    const group = op.tags?.[0]?.toLowerCase() ?? ''
    const keys = (op.security ?? []).flatMap(alternative => Object.keys(alternative))
    return ((PROJECT_GROUPS as readonly string[]).includes(group) && keys.includes('oryAccessToken')) ||
      ((CONSOLE_GROUPS as readonly string[]).includes(group) && keys.includes('oryWorkspaceApiKey'))
  })
  t.same(routes.map(route => route.op.operationId).sort(), expected.map(op => op.operationId).sort())
  t.equal(routes.length, 98)
  for (const route of routes) {
    const op = expected.find(op => op.operationId === route.op.operationId)!
    t.equal(route.path, `/api/admin${op.path.replace(/^\/admin\//, '/')}`, route.op.operationId)
    t.equal(route.op.method, op.method)
  }
  const keys = routes.map(route => `${route.op.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`)
  t.equal(new Set(keys).size, keys.length, 'no two routes collide')
  t.equal(adminOperations({ console: false }).length, 65, 'the console\'s 33 only with a workspace key')
})

t.test('Hydra\'s protocol endpoints, the browser\'s API and the public schemas are not admin routes', async t => {
  const ids = new Set(adminOperations({ console: true }).map(route => route.op.operationId))
  for (const id of ['oAuth2Authorize', 'oauth2TokenExchange', 'revokeOAuth2Token', 'oAuth2DeviceFlow', 'performOAuth2DeviceVerificationFlow', 'createOidcDynamicClient', 'getOidcUserInfo', 'toSession', 'createBrowserLoginFlow', 'listIdentitySchemas', 'discoverJsonWebKeys']) {
    t.notOk(ids.has(id), id)
  }
})

t.test('the path rule', async t => {
  t.equal(adminPath('/admin/identities'), '/api/admin/identities')
  t.equal(adminPath('/relation-tuples/expand'), '/api/admin/relation-tuples/expand')
  t.equal(adminPath('/projects/{project_id}'), '/api/admin/projects/{project_id}')
  t.equal(adminPath('/administrators'), '/api/admin/administrators', 'only a whole /admin segment is removed')
})

t.test('destructive: every DELETE and the batch writes', async t => {
  const destructive = adminOperations({ console: true }).filter(route => route.destructive).map(route => route.op.operationId)
  for (const id of ['deleteIdentity', 'deleteIdentitySessions', 'disableSession', 'deleteOAuth2Token', 'purgeProject', 'batchPatchIdentities', 'patchRelationships', 'deleteRelationships', 'revokeOAuth2ConsentSessions']) {
    t.ok(destructive.includes(id), id)
  }
  for (const route of adminOperations({ console: true })) t.equal(route.destructive, isDestructive(route.op))
  t.notOk(destructive.includes('createIdentity'))
  t.notOk(destructive.includes('patchIdentity'), 'a patch of one identity is an edit, not a batch')
})

t.test('ADMIN_ALLOW and ADMIN_DENY: ids and groups, deny wins, unknown names reported', async t => {
  const all = adminOperations({ console: true })
  const both = selectOperations(all, ['identity', 'getVersion'], ['deleteIdentity', 'nope'])
  t.ok(both.allowed.has('listIdentities'))
  t.ok(both.allowed.has('getVersion'))
  t.notOk(both.allowed.has('deleteIdentity'))
  t.notOk(both.allowed.has('listOAuth2Clients'))
  t.same(both.unknown, ['nope'])
  t.equal(selectOperations(all, undefined, []).allowed.size, all.length, 'no lists: everything')
  t.equal(selectOperations(all, undefined, ['oauth2']).allowed.has('createOAuth2Client'), false)
})
