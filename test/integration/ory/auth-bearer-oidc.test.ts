import t from 'tap'
import { createOryClient, oidc } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('getOidcDynamicClient sends the registration access token as a Bearer token', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { client_id: 'c1' }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  await oidc.getOidcDynamicClient(client, { id: 'c1' }, { auth: { bearer: 'registration-token' } })
  t.equal(upstream.requests[0]?.url, '/oauth2/register/c1')
  t.equal(upstream.requests[0]?.headers.authorization, 'Bearer registration-token', 'the per-call token, not the project key')
})

t.test('getOidcUserInfo sends the OAuth2 access token as a Bearer token', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { sub: 'u1' }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  const result = await oidc.getOidcUserInfo(client, {}, { auth: { accessToken: 'user-access-token', bearer: 'not-this-one' } })
  t.same(result.body, { sub: 'u1' })
  t.equal(upstream.requests[0]?.headers.authorization, 'Bearer user-access-token')
})

t.test('neither operation gets the project key when no per-call token is given', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  await oidc.getOidcDynamicClient(client, { id: 'c1' })
  await oidc.getOidcUserInfo(client)
  t.same(upstream.requests.map(r => r.headers.authorization), [undefined, undefined])
})
