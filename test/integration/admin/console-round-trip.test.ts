import t from 'tap'
import { ADA, adminApp, adminCall, CONSOLE_SEED, signIn } from '../../helpers/admin.js'

t.test('with ORY_WORKSPACE_API_KEY the console groups are routes too: project, workspace and events, one round trip each, with the workspace key', async t => {
  const key = 'ory_wak_back_office_test'
  const { app, oryRequests } = await adminApp(t, { workspaceApiKey: key })
  const ada = await signIn(t, app, ADA)
  const projectId = CONSOLE_SEED.project.id

  const project = await adminCall(ada, 'GET', `/api/admin/projects/${projectId}`)
  t.equal(project.statusCode, 200)
  t.match(project.json(), { id: projectId, name: 'Shop' })
  const workspaces = await adminCall(ada, 'GET', '/api/admin/workspaces')
  t.equal(workspaces.statusCode, 200)
  t.match(JSON.stringify(workspaces.json()), CONSOLE_SEED.workspace.id)
  const streams = await adminCall(ada, 'GET', `/api/admin/projects/${projectId}/eventstreams`)
  t.equal(streams.statusCode, 200)

  const consoleCalls = oryRequests().filter(request => request.url.startsWith('/projects') || request.url.startsWith('/workspaces'))
  t.equal(consoleCalls.length, 3)
  t.ok(consoleCalls.every(request => request.headers.authorization === `Bearer ${key}`), 'each with the workspace API key, never the project key')
})

t.test('without ORY_WORKSPACE_API_KEY there are no console routes', async t => {
  const { app } = await adminApp(t)
  const ada = await signIn(t, app, ADA)
  t.equal((await adminCall(ada, 'GET', '/api/admin/workspaces')).statusCode, 404)
})
