import t from 'tap'
import { createOryClient, identity } from '../../../src/ory/index.js'
import { retryAfter } from '../../../src/ory/retry.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('retryAfter reads seconds and HTTP dates, and caps them', async t => {
  const now = Date.parse('2025-01-01T00:00:00Z')
  t.equal(retryAfter('2', 10_000, now), 2000)
  t.equal(retryAfter(' 3 ', 10_000, now), 3000)
  t.equal(retryAfter('3600', 10_000, now), 10_000, 'capped')
  t.equal(retryAfter(new Date(now + 5_000).toUTCString(), 10_000, now), 5000, 'an IMF-fixdate')
  t.equal(retryAfter(new Date(now + 60_000).toUTCString(), 10_000, now), 10_000, 'a date far off is capped')
  t.equal(retryAfter(new Date(now - 60_000).toUTCString(), 10_000, now), 0, 'a date in the past means now')
  t.equal(retryAfter(['4', '9'], 10_000, now), 4000, 'the first of repeated headers')
  t.equal(retryAfter(undefined, 10_000, now), undefined)
  t.equal(retryAfter('', 10_000, now), undefined)
  t.equal(retryAfter('soon', 10_000, now), undefined, 'unreadable: the back-off applies')
})

t.test('a 503 with Retry-After is retried after that many seconds', async t => {
  const upstream = await startUpstream((_req, res) => {
    if (upstream.requests.length === 1) return json(res, 503, {}, { 'retry-after': '1' })
    json(res, 200, [])
  })
  t.teardown(upstream.close)
  // The back-off alone would retry within a millisecond or two.
  const client = createOryClient({ url: upstream.url, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5_000 } })
  t.teardown(async () => await client.close())

  const result = await identity.listIdentities(client)
  t.equal(result.status, 200)
  t.equal(upstream.requests.length, 2)
  const gap = upstream.requests[1]!.receivedAt - upstream.requests[0]!.receivedAt
  t.ok(gap >= 900, `the second request waited for Retry-After (${Math.round(gap)} ms)`)
})

t.test('a Retry-After longer than maxDelayMs is capped', async t => {
  const upstream = await startUpstream((_req, res) => {
    if (upstream.requests.length === 1) return json(res, 503, {}, { 'retry-after': '3600' })
    json(res, 200, [])
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, timeoutMs: 20_000, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 100 } })
  t.teardown(async () => await client.close())

  const result = await identity.listIdentities(client)
  t.equal(result.status, 200)
  const gap = upstream.requests[1]!.receivedAt - upstream.requests[0]!.receivedAt
  t.ok(gap >= 90 && gap < 5_000, `waited about maxDelayMs, not an hour (${Math.round(gap)} ms)`)
})
