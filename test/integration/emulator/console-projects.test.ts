import { createOryClient, events, project, workspace } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// The console API on the emulator's origin: the seeded project and workspace are listed and read, the project has no
// event streams, unknown ids are 404, and with `workspaceApiKey` set a request without that key is a 401.
const PROJECT_ID = '5f2b2c1e-0d6a-4a53-9d6e-3f1f6f3f0a11'
const WORKSPACE_ID = '0c9b7f6e-2a41-4c1e-8f0b-7d2a1b3c4d5e'

emulatorTest('console API: the seeded project and workspace, behind the workspace API key', async (t, emu) => {
  const { client } = emu
  const projects = await project.listProjects(client)
  t.equal(projects.status, 200)
  t.match(projects.body, [{ id: PROJECT_ID, name: 'Shop', slug: 'shop', state: 'running', workspace_id: WORKSPACE_ID, hosts: [new URL(emu.url).host] }])

  const one = await project.getProject(client, { project_id: PROJECT_ID })
  t.match(one.body, { id: PROJECT_ID, name: 'Shop', environment: 'dev', organizations: [] })
  t.equal(one.body.services.identity?.config.serve !== undefined, true)
  await oryError(t, project.getProject(client, { project_id: '00000000-0000-4000-8000-000000000000' }), 404)

  t.same((await events.listEventStreams(client, { project_id: PROJECT_ID })).body, { event_streams: [] })

  const workspaces = await workspace.listWorkspaces(client)
  t.match(workspaces.body, { workspaces: [{ id: WORKSPACE_ID, name: 'Team' }], has_next_page: false })
  t.equal((await workspace.getWorkspace(client, { workspace: WORKSPACE_ID })).body.name, 'Team')
  await oryError(t, workspace.getWorkspace(client, { workspace: 'nope' }), 404)

  const anonymous = createOryClient({ url: emu.url, consoleUrl: emu.url, retry: false })
  try {
    await oryError(t, project.listProjects(anonymous), 401)
  } finally {
    await anonymous.close()
  }
}, { workspaceApiKey: 'ory_wak_emulator', console: { project: { id: PROJECT_ID, name: 'Shop', slug: 'shop' }, workspace: { id: WORKSPACE_ID, name: 'Team' } } })
