import t from 'tap'
import { createOryClient, frontend, identity, project, workspace } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('project operations go to url, below its base path', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(upstream.close)

  for (const url of [`${upstream.url}/ory`, `${upstream.url}/ory/`, new URL(`${upstream.url}/ory/`)]) {
    const client = createOryClient({ url, retry: false })
    t.teardown(async () => await client.close())
    await identity.listIdentities(client, { page_size: 1 })
    t.equal(client.baseUrl('project'), `${upstream.url}/ory`, `the base of ${String(url)}`)
  }
  const nested = createOryClient({ url: `${upstream.url}/a/b`, retry: false })
  t.teardown(async () => await nested.close())
  await frontend.toSession(nested)
  t.same(upstream.requests.map(r => r.url), [
    '/ory/admin/identities?page_size=1',
    '/ory/admin/identities?page_size=1',
    '/ory/admin/identities?page_size=1',
    '/a/b/sessions/whoami'
  ])
})

t.test('console operations go to consoleUrl, project operations never do', async t => {
  const projectApi = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(projectApi.close)
  const consoleApi = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(consoleApi.close)
  const client = createOryClient({ url: projectApi.url, consoleUrl: `${consoleApi.url}/console/`, retry: false })
  t.teardown(async () => await client.close())

  await project.listProjects(client)
  await workspace.listWorkspaces(client)
  await frontend.toSession(client)
  t.same(consoleApi.requests.map(r => r.url), ['/console/projects', '/console/workspaces'])
  t.same(projectApi.requests.map(r => r.url), ['/sessions/whoami'])
  t.equal(client.baseUrl('console'), `${consoleApi.url}/console`)
})

t.test('the console defaults to Ory Network\'s console API', async t => {
  const client = createOryClient({ url: 'http://127.0.0.1:9' })
  t.teardown(async () => await client.close())
  t.equal(client.baseUrl('console'), 'https://api.console.ory.sh')
})
