import t from 'tap'
import { createOryClient, identity, OryUpstreamError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

const fast = { minDelayMs: 1, maxDelayMs: 2 }

t.test('an idempotent GET answered 503, 503, 200 succeeds on the third request', async t => {
  const upstream = await startUpstream((_req, res) => {
    if (upstream.requests.length < 3) return json(res, 503, { error: { code: 503, status: 'Service Unavailable', message: 'try later' } })
    json(res, 200, [{ id: 'one' }])
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: fast })
  t.teardown(async () => await client.close())

  const result = await identity.listIdentities(client, { page_size: 5 })
  t.equal(result.status, 200)
  t.same(result.body, [{ id: 'one' }])
  t.equal(upstream.requests.length, 3)
  t.same(new Set(upstream.requests.map(r => `${r.method} ${r.url}`)), new Set(['GET /admin/identities?page_size=5']), 'the same request each time')
})

t.test('502 and 504 are retried as well', async t => {
  const statuses = [502, 504, 200]
  const upstream = await startUpstream((_req, res) => json(res, statuses[upstream.requests.length - 1] ?? 500, []))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: fast })
  t.teardown(async () => await client.close())

  const result = await identity.listIdentities(client)
  t.equal(result.status, 200)
  t.equal(upstream.requests.length, 3)
})

t.test('when the retries run out, the last answer is thrown as an OryUpstreamError', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 503, { error: { code: 503, status: 'Service Unavailable', message: `attempt ${upstream.requests.length}` } }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: { ...fast, retries: 3 } })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  t.equal((err as OryUpstreamError).status, 503)
  t.equal(upstream.requests.length, 4, 'the first attempt and three retries')
  t.equal((err as OryUpstreamError).oryError?.message, 'attempt 4', 'the error carries the last answer')
})

t.test('other error statuses are not retried', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 500, { error: { code: 500, status: 'Internal Server Error', message: 'boom' } }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: fast })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  t.equal(upstream.requests.length, 1)
})
