import t from 'tap'
import { Agent } from 'undici'
import { createOryClient, oidc } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('an injected dispatcher carries the calls to every endpoint\'s origin, and stays open', async t => {
  const project = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(project.close)
  const provider = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(provider.close)
  const agent = new Agent()
  t.teardown(async () => await agent.close())
  const origins: string[] = []
  const counted = agent.compose(dispatch => (opts, handler) => {
    origins.push(String(opts.origin))
    return dispatch(opts, handler)
  })
  const client = createOryClient({ url: project.url, dispatcher: counted, retry: false })

  await oidc.discoverOidcConfiguration(client)
  await oidc.discoverOidcConfiguration(client, {}, { endpoint: `${provider.url}/.well-known/openid-configuration` })
  t.same(origins, [project.url, provider.url])
  t.equal(provider.requests.length, 1)
  await client.close()
  t.equal(agent.closed, false, 'the client never closes what it was given')
})
