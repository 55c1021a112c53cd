import type { Readable } from 'node:stream'
import t from 'tap'
import { createOryClient, frontend, operations, OryBadResponseError, type OryRawResponse } from '../../../src/ory/index.js'
import { startUpstream } from '../../helpers/upstream.js'

async function collect (stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

// Bytes a JSON decode and re-encode would change: spacing, key order kept, a duplicate key.
const body = '{ "b" : 1,\n  "a":"x", "a": "y" }'

t.test('buffer: the bytes as Ory sent them, with headers and the set-cookie list', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1; Path=/', 'b=2; Expires=Fri, 01 Jan 2100 00:00:00 GMT'] })
    res.end(body)
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const answer: OryRawResponse<Buffer> = await client.call(operations.toSession, {}, { responseType: 'buffer' })
  t.equal(answer.operationId, 'toSession')
  t.equal(answer.status, 200)
  t.ok(Buffer.isBuffer(answer.body))
  t.equal(answer.body.toString(), body, 'not decoded, not re-encoded')
  t.same(answer.headers['set-cookie'], ['a=1; Path=/', 'b=2; Expires=Fri, 01 Jan 2100 00:00:00 GMT'])
})

t.test('buffer: Ory\'s error statuses are answers, not exceptions', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' })
    res.end('{"error":{"code":401}}')
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const answer = await client.call(operations.toSession, {}, { responseType: 'buffer' })
  t.equal(answer.status, 401)
  t.equal(answer.body.toString(), '{"error":{"code":401}}')
  await t.rejects(frontend.toSession(client), { name: 'OryUpstreamError', status: 401 }, 'the typed (json) mode still throws')
})

t.test('buffer: the size limit holds, per call as well', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ pad: 'x'.repeat(2000) }))
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await client.call(operations.toSession, {}, { responseType: 'buffer', maxResponseBytes: 1024 }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryBadResponseError)
  t.match((err as Error).message, /larger than the limit of 1024 bytes/)
  const whole = await client.call(operations.toSession, {}, { responseType: 'buffer' })
  t.equal(whole.body.length, 2010, 'the client\'s own limit is larger')
})

t.test('stream: the body unread, to be consumed by the caller', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('x'.repeat(5000))
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false, maxResponseBytes: 1024 })
  t.teardown(async () => await client.close())

  const answer: OryRawResponse<Readable> = await client.call(operations.getWebAuthnJavaScript, {}, { responseType: 'stream' })
  t.equal(answer.status, 200)
  t.equal(answer.headers['content-type'], 'text/plain')
  t.equal((await collect(answer.body)).length, 5000, 'a stream is not held to the buffering limit')
})

t.test('stream: an answer that is retried is dropped, only the last one is handed over', async t => {
  let count = 0
  const upstream = await startUpstream((_req, res) => {
    count++
    res.writeHead(count === 1 ? 503 : 200, { 'content-type': 'text/plain' })
    res.end(count === 1 ? 'busy' : 'ok')
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } })
  t.teardown(async () => await client.close())

  const answer = await client.call(operations.getWebAuthnJavaScript, {}, { responseType: 'stream' })
  t.equal(answer.status, 200)
  t.equal((await collect(answer.body)).toString(), 'ok')
  t.equal(upstream.requests.length, 2)
})

t.test('transport failures still throw in raw modes', async t => {
  const upstream = await startUpstream((_req, res) => { res.socket?.destroy() })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())
  await t.rejects(client.call(operations.toSession, {}, { responseType: 'buffer' }), { name: 'OryUnavailableError', statusCode: 502 })
  await t.rejects(client.call(operations.toSession, {}, { responseType: 'stream' }), { name: 'OryUnavailableError', statusCode: 502 })
})
