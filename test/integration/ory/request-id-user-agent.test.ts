import t from 'tap'
import { createOryClient, frontend, identity } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('the request id goes as X-Request-Id and the user agent names the client', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await frontend.toSession(client, {}, { requestId: 'req-7f3a' })
  const headers = upstream.requests[0]!.headers
  t.equal(headers['x-request-id'], 'req-7f3a')
  t.match(headers['user-agent'], /^ory-bff\/\d+\.\d+\.\d+$/)
  t.equal(headers.accept, 'application/json')

  await frontend.toSession(client)
  t.equal(upstream.requests[1]!.headers['x-request-id'], undefined, 'no request id unless one is given')
})

t.test('a configured user agent replaces the default; every retry carries the same request id', async t => {
  const upstream = await startUpstream((_req, res) => json(res, upstream.requests.length < 2 ? 503 : 200, []))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, userAgent: 'my-bff/2.0 (+https://example.com)', retry: { minDelayMs: 1, maxDelayMs: 2 } })
  t.teardown(async () => await client.close())

  await identity.listIdentities(client, {}, { requestId: 'same-id', headers: { 'x-request-id': 'ignored' } })
  t.equal(upstream.requests.length, 2)
  t.same(upstream.requests.map(r => r.headers['x-request-id']), ['same-id', 'same-id'], 'requestId wins over a raw header')
  t.same(upstream.requests.map(r => r.headers['user-agent']), ['my-bff/2.0 (+https://example.com)', 'my-bff/2.0 (+https://example.com)'])
})
