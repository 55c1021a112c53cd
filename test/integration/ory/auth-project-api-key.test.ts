import t from 'tap'
import { createOryClient, frontend, identity, operations, project, type OperationSpec } from '../../../src/ory/index.js'
import { authHeaders } from '../../../src/ory/request.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('the project API key goes as a Bearer token to an operation that names oryAccessToken', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  await identity.listIdentities(client)
  t.equal(upstream.requests[0]?.headers.authorization, 'Bearer ory_pat_project')
})

t.test('the project API key never goes to a frontend operation', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  await frontend.toSession(client, { cookie: 'ory_session_x=1' })
  await frontend.createBrowserLoginFlow(client)
  t.equal(upstream.requests.length, 2)
  t.ok(upstream.requests.every(r => r.headers.authorization === undefined), 'no Authorization header at all')
  t.equal(upstream.requests[0]?.headers.cookie, 'ory_session_x=1')
})

t.test('the project API key never goes to a console operation', async t => {
  const consoleApi = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(consoleApi.close)
  const client = createOryClient({ url: 'http://127.0.0.1:9', consoleUrl: consoleApi.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  await project.listProjects(client)
  t.equal(consoleApi.requests.length, 1)
  t.equal(consoleApi.requests[0]?.headers.authorization, undefined, 'no workspace key configured, and the project key is not a stand-in')
})

t.test('across the whole operation table, the project key reaches exactly the operations that name oryAccessToken', async t => {
  const all = Object.values(operations) as OperationSpec[]
  const keyed = all.filter(op => authHeaders(op, { apiKey: 'k' }).authorization !== undefined)
  t.same(
    keyed.map(op => op.operationId).sort(),
    all.filter(op => op.security.some(s => s.length === 1 && s[0] === 'oryAccessToken')).map(op => op.operationId).sort()
  )
  t.notOk(keyed.some(op => op.group === 'frontend'), 'no frontend operation')
  t.notOk(keyed.some(op => op.api === 'console'), 'no console operation')
  t.ok(keyed.length > 50, `${keyed.length} admin operations`)
})
