import t from 'tap'
import { createOryClient, frontend, identity, OryArgumentError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('updateLoginFlow with bodyType form flattens nested objects into dotted keys, the way Kratos reads them', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await frontend.updateLoginFlow(client, {
    flow: 'f1',
    body: {
      method: 'oidc',
      provider: 'google',
      csrf_token: 'c+s/r=f',
      traits: { email: 'a@example.com', name: { first: 'Ada', last: 'Lovelace' }, tags: ['x', 'y'], newsletter: false },
      upstream_parameters: { login_hint: 'a@example.com', prompt: undefined }
    }
  }, { bodyType: 'form' })

  const request = upstream.requests[0]!
  t.equal(request.url, '/self-service/login?flow=f1')
  t.equal(request.headers['content-type'], 'application/x-www-form-urlencoded')
  const fields = [...new URLSearchParams(request.body)]
  t.same(fields, [
    ['method', 'oidc'],
    ['provider', 'google'],
    ['csrf_token', 'c+s/r=f'],
    ['traits.email', 'a@example.com'],
    ['traits.name.first', 'Ada'],
    ['traits.name.last', 'Lovelace'],
    ['traits.tags', 'x'],
    ['traits.tags', 'y'],
    ['traits.newsletter', 'false'],
    ['upstream_parameters.login_hint', 'a@example.com']
  ], 'nested keys dotted, arrays repeated, undefined left out')
})

t.test('the same call sends JSON by default', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const body = { method: 'password' as const, identifier: 'a@example.com', password: 'p', transient_payload: { a: { b: 1 } } }
  await frontend.updateLoginFlow(client, { flow: 'f1', body })
  const request = upstream.requests[0]!
  t.equal(request.headers['content-type'], 'application/json')
  t.same(JSON.parse(request.body), body, 'nested objects stay nested')
})

t.test('bodyType form on an operation that takes only JSON is an OryArgumentError, and nothing is sent', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 201, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.createIdentity(client, { body: { schema_id: 'default', traits: {} } }, { bodyType: 'form' })
    .then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryArgumentError)
  t.equal(upstream.requests.length, 0)
})
