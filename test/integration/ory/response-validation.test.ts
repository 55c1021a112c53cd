import t from 'tap'
import { createOryClient, identity, OryBadResponseError, OryUpstreamError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

const validIdentity = {
  id: '9f425a8d-7efc-4768-8f23-7647a74fdf13',
  schema_id: 'default',
  schema_url: 'https://slug.projects.oryapis.com/schemas/ZGVmYXVsdA',
  state: 'active',
  traits: { email: 'a@example.com' },
  metadata_public: null,
  created_at: '2025-01-02T03:04:05.123456Z',
  // Ory adds fields between releases; the client must neither reject nor strip them.
  a_field_from_a_newer_ory: { nested: [1, 2, 3] }
}

t.test('a valid body passes, unknown properties untouched', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, validIdentity))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, validateResponses: true, retry: false })
  t.teardown(async () => await client.close())

  const result = await identity.getIdentity(client, { id: validIdentity.id })
  t.equal(result.status, 200)
  t.strictSame(result.body, validIdentity, 'exactly what Ory sent, extra field and null included')
})

t.test('an invalid body throws OryBadResponseError with the path of the problem', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { ...validIdentity, schema_id: 42 }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, validateResponses: true, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.getIdentity(client, { id: validIdentity.id }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryBadResponseError, 'an OryBadResponseError')
  const bad = err as OryBadResponseError
  t.equal(bad.statusCode, 502)
  t.equal(bad.status, 200)
  t.equal(bad.operationId, 'getIdentity')
  t.equal(bad.errors[0]?.path, '/schema_id')
  t.match(bad.message, /getIdentity.*\/schema_id/)
})

t.test('the path reaches into arrays and nested models', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, [validIdentity, { ...validIdentity, id: 'not-a-uuid' }]))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, validateResponses: true, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryBadResponseError)
  t.equal((err as OryBadResponseError).errors[0]?.path, '/1/id')
})

t.test('a 2xx status the spec does not document throws', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 202, validIdentity))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, validateResponses: true, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.getIdentity(client, { id: validIdentity.id }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryBadResponseError)
  t.equal((err as OryBadResponseError).status, 202)
  t.match((err as OryBadResponseError).message, /202, which the spec does not document/)
})

t.test('validation can be switched on for a single call', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { ...validIdentity, schema_url: undefined }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.getIdentity(client, { id: validIdentity.id }, { validateResponse: true }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryBadResponseError)
  t.equal((err as OryBadResponseError).errors[0]?.path, '/schema_url')
})

t.test('error statuses are thrown as OryUpstreamError, not validated as success', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 404, { error: { code: 404, status: 'Not Found', message: 'gone' } }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, validateResponses: true, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.getIdentity(client, { id: validIdentity.id }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
})
