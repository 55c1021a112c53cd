import t from 'tap'
import { createOryClient, identity, OryUpstreamError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('a POST answered 503 is not retried and throws OryUpstreamError', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 503, { error: { code: 503, status: 'Service Unavailable', message: 'try later' } }, { 'retry-after': '0' }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: { retries: 5, minDelayMs: 1, maxDelayMs: 2 } })
  t.teardown(async () => await client.close())

  const err = await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'a@example.com' } } })
    .then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError, 'an OryUpstreamError')
  const upstreamError = err as OryUpstreamError
  t.equal(upstreamError.status, 503)
  t.equal(upstreamError.statusCode, 503)
  t.equal(upstreamError.code, 'ORY_BFF_UPSTREAM_STATUS')
  t.equal(upstream.requests.length, 1, 'exactly one request')
  t.equal(upstream.requests[0]?.method, 'POST')
})

t.test('a PATCH is not retried either', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 503, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: { retries: 5, minDelayMs: 1, maxDelayMs: 2 } })
  t.teardown(async () => await client.close())

  const err = await identity.patchIdentity(client, { id: 'x', body: [] }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  t.equal(upstream.requests.length, 1)
  t.equal(upstream.requests[0]?.method, 'PATCH')
})
