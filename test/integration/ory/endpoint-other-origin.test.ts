import { once } from 'node:events'
import t from 'tap'
import { createOryClient, oidc } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('an endpoint on another origin gets a pool of the client\'s own, closed with the client', async t => {
  const project = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(project.close)
  const provider = await startUpstream((_req, res) => json(res, 200, { issuer: 'x' }))
  t.teardown(provider.close)
  const client = createOryClient({ url: `${project.url}/base`, keepAliveTimeoutMs: 600_000, retry: false })

  const result = await oidc.discoverOidcConfiguration(client, {}, { endpoint: `${provider.url}/realm/.well-known/openid-configuration` })
  t.same(result.body, { issuer: 'x' })
  await oidc.discoverOidcConfiguration(client, {}, { endpoint: `${provider.url}/realm/.well-known/openid-configuration` })
  t.same(provider.requests.map(request => request.url), ['/realm/.well-known/openid-configuration', '/realm/.well-known/openid-configuration'])
  t.equal(provider.requests[0]?.headers.host, `127.0.0.1:${provider.port}`)
  t.equal(project.requests.length, 0, 'nothing went to the project')

  const closed = Promise.all([...provider.sockets].map(async socket => await once(socket, 'close')))
  await client.close()
  await closed
  t.equal(provider.sockets.size, 0, 'the pool the client opened for that origin is closed')
})
