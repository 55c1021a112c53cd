import t from 'tap'
import { createOryClient, MAX_EXTRA_ORIGINS, oidc, OryConfigError } from '../../../src/ory/index.js'
import { json, startUpstream, type Upstream } from '../../helpers/upstream.js'

t.test(`the client opens pools for at most ${MAX_EXTRA_ORIGINS} other origins`, async t => {
  const servers: Upstream[] = []
  for (let i = 0; i <= MAX_EXTRA_ORIGINS; i++) servers.push(await startUpstream((_req, res) => json(res, 200, {})))
  t.teardown(async () => { await Promise.all(servers.map(async server => await server.close())) })
  const project = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(project.close)
  const client = createOryClient({ url: project.url, retry: false })
  t.teardown(async () => await client.close())

  for (const server of servers.slice(0, MAX_EXTRA_ORIGINS)) {
    await oidc.discoverOidcConfiguration(client, {}, { endpoint: `${server.url}/.well-known/openid-configuration` })
  }
  const last = servers[MAX_EXTRA_ORIGINS]!
  const err = await oidc.discoverOidcConfiguration(client, {}, { endpoint: `${last.url}/.well-known/openid-configuration` }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryConfigError, 'one origin too many is a configuration error')
  t.match((err as Error).message, `will not open one for ${last.url}`)
  t.equal(last.requests.length, 0, 'and nothing was sent there')

  await oidc.discoverOidcConfiguration(client, {}, { endpoint: `${servers[0]!.url}/again` })
  await oidc.discoverOidcConfiguration(client, {}, { endpoint: `${project.url}/.well-known/openid-configuration` })
  t.equal(servers[0]!.requests.length, 2, 'origins the client knows still work')
  t.equal(project.requests.length, 1, 'and so does the project\'s own')
})
