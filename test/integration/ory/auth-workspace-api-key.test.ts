import t from 'tap'
import { createOryClient, identity, operations, project, type OperationSpec } from '../../../src/ory/index.js'
import { authHeaders } from '../../../src/ory/request.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('the workspace API key goes to console operations only, and those go to consoleUrl', async t => {
  const projectApi = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(projectApi.close)
  const consoleApi = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(consoleApi.close)
  const client = createOryClient({
    url: projectApi.url,
    consoleUrl: consoleApi.url,
    apiKey: 'ory_pat_project',
    workspaceApiKey: 'ory_wak_workspace',
    retry: false
  })
  t.teardown(async () => await client.close())

  await project.listProjects(client)
  await identity.listIdentities(client)

  t.same(consoleApi.requests.map(r => `${r.method} ${r.url}`), ['GET /projects'], 'the console call went to the console')
  t.equal(consoleApi.requests[0]?.headers.authorization, 'Bearer ory_wak_workspace')
  t.same(projectApi.requests.map(r => `${r.method} ${r.url}`), ['GET /admin/identities'], 'the project call went to the project')
  t.equal(projectApi.requests[0]?.headers.authorization, 'Bearer ory_pat_project', 'with the project key, not the workspace key')
})

t.test('without a project key, the workspace key is not sent to project operations', async t => {
  const projectApi = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(projectApi.close)
  const client = createOryClient({ url: projectApi.url, workspaceApiKey: 'ory_wak_workspace', retry: false })
  t.teardown(async () => await client.close())

  await identity.listIdentities(client)
  t.equal(projectApi.requests[0]?.headers.authorization, undefined)
})

t.test('across the operation table, the workspace key reaches console operations only', async t => {
  const all = Object.values(operations) as OperationSpec[]
  const keyed = all.filter(op => authHeaders(op, { workspaceApiKey: 'w' }).authorization !== undefined)
  t.ok(keyed.length > 0)
  t.ok(keyed.every(op => op.api === 'console'), 'every one of them is a console operation')
})
