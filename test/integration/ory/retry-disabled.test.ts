import t from 'tap'
import { createOryClient, identity, OryUpstreamError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('retry: false on the client sends an idempotent call once', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 503, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  t.equal((err as OryUpstreamError).status, 503)
  t.equal(upstream.requests.length, 1)
})

t.test('retry: false on one call overrides a client that retries', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 503, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client, {}, { retry: false }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  t.equal(upstream.requests.length, 1, 'the call opted out')

  await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.equal(upstream.requests.length, 1 + 4, 'the next call still retries')
})

t.test('retries: 0 is the same as retry: false', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 503, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: { retries: 0 } })
  t.teardown(async () => await client.close())

  await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.equal(upstream.requests.length, 1)
})
