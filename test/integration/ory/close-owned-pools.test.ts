import { once } from 'node:events'
import t from 'tap'
import { createOryClient, frontend, OryUnavailableError, project } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('close() closes the connections of the pools the client created, for both APIs', async t => {
  const projectApi = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(projectApi.close)
  const consoleApi = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(consoleApi.close)
  // A keep-alive far longer than the test: only close() can end these connections.
  const client = createOryClient({ url: projectApi.url, consoleUrl: consoleApi.url, keepAliveTimeoutMs: 600_000, retry: false })

  await frontend.toSession(client)
  await project.listProjects(client)
  const sockets = [...projectApi.sockets, ...consoleApi.sockets]
  t.equal(sockets.length, 2, 'one kept-alive connection to each API')

  const closed = sockets.map(async socket => await once(socket, 'close'))
  await client.close()
  await Promise.all(closed)
  t.equal(projectApi.sockets.size + consoleApi.sockets.size, 0, 'no connection is left open')

  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUnavailableError, 'a closed client refuses calls')
  t.equal(projectApi.requests.length, 1, 'and sends nothing')
  await t.resolves(client.close(), 'closing twice is harmless')
})
