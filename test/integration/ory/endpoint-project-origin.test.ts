import t from 'tap'
import { Pool } from 'undici'
import { createOryClient, oauth2, oidc } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('an endpoint on the project\'s or the console\'s origin uses that API\'s pool, without its base path', async t => {
  const project = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(project.close)
  const consoleApi = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(consoleApi.close)
  const consolePool = new Pool(consoleApi.url)
  t.teardown(async () => await consolePool.close())
  let consoleDispatched = 0
  const counted = consolePool.compose(dispatch => (opts, handler) => {
    consoleDispatched++
    return dispatch(opts, handler)
  })
  const client = createOryClient({ url: `${project.url}/ory`, consoleUrl: consoleApi.url, consoleDispatcher: counted, keepAliveTimeoutMs: 600_000, retry: false })
  t.teardown(async () => await client.close())

  await oidc.discoverOidcConfiguration(client, {}, { endpoint: `${project.url}/.well-known/openid-configuration` })
  await oidc.discoverOidcConfiguration(client)
  t.same(project.requests.map(request => request.url), ['/.well-known/openid-configuration', '/ory/.well-known/openid-configuration'])

  await oauth2.oauth2TokenExchange(client, { body: { grant_type: 'client_credentials' } }, { endpoint: `${consoleApi.url}/token` })
  t.equal(consoleDispatched, 1, 'the console\'s dispatcher carried the call to its origin')
  t.same(consoleApi.requests.map(request => request.url), ['/token'])
})
