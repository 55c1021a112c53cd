import { once } from 'node:events'
import t from 'tap'
import { Agent, Pool, request } from 'undici'
import { createOryClient, frontend, project } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('an injected dispatcher carries the calls and is not closed by client.close()', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const pool = new Pool(upstream.url, { keepAliveTimeout: 600_000 })
  t.teardown(async () => await pool.close())
  let dispatched = 0
  const counted = pool.compose(dispatch => (opts, handler) => {
    dispatched++
    return dispatch(opts, handler)
  })
  const client = createOryClient({ url: upstream.url, dispatcher: counted, retry: false })

  await frontend.toSession(client)
  t.equal(dispatched, 1, 'the call went through the injected dispatcher')
  await client.close()

  t.equal(pool.closed, false, 'the test\'s pool is still open')
  t.equal(pool.destroyed, false)
  t.equal(upstream.sockets.size, 1, 'and so is its connection')
  const { statusCode, body } = await pool.request({ path: '/still-usable', method: 'GET' })
  await body.dump()
  t.equal(statusCode, 200, 'the owner can keep using it')
  t.equal(upstream.requests.length, 2)
})

t.test('an injected console dispatcher is left open too, while the client\'s own project pool is closed', async t => {
  const consoleApi = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(consoleApi.close)
  const projectApi = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(projectApi.close)
  const agent = new Agent({ keepAliveTimeout: 600_000 })
  t.teardown(async () => await agent.close())
  const client = createOryClient({ url: projectApi.url, consoleUrl: consoleApi.url, consoleDispatcher: agent, keepAliveTimeoutMs: 600_000, retry: false })

  await project.listProjects(client)
  await frontend.toSession(client)
  t.equal(projectApi.sockets.size, 1)
  const projectClosed = Promise.all([...projectApi.sockets].map(async socket => await once(socket, 'close')))
  await client.close()

  t.equal(agent.closed, false)
  t.equal(consoleApi.sockets.size, 1, 'the agent\'s connection is still open')
  const { statusCode, body } = await request(`${consoleApi.url}/projects`, { dispatcher: agent })
  await body.dump()
  t.equal(statusCode, 200)
  // The client's own pool for the project API was closed: the server sees the connection end.
  await projectClosed
  t.equal(projectApi.sockets.size, 0, 'the pool the client created is closed')
})
