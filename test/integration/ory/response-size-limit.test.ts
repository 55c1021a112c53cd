import t from 'tap'
import { createOryClient, identity, OryBadResponseError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

const limit = 1024

t.test('a declared Content-Length over maxResponseBytes is refused with a 502 before the body is read', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(limit + 1) })
    // Only the headers: the client must not wait for the body to decide.
    res.flushHeaders()
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, maxResponseBytes: limit, bodyTimeoutMs: 10_000, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryBadResponseError, 'an OryBadResponseError')
  const bad = err as OryBadResponseError
  t.equal(bad.code, 'ORY_BFF_UPSTREAM_BAD_RESPONSE')
  t.equal(bad.statusCode, 502)
  t.equal(bad.status, 200, 'the status Ory answered with is kept')
  t.match(bad.message, /larger than the limit of 1024 bytes/)
})

t.test('a chunked body that grows past maxResponseBytes is abandoned with a 502, connection and all', async t => {
  let dropped: Promise<boolean> | undefined
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    // No Content-Length, and no end: only a reader that counts can stop, and only by dropping the connection.
    dropped = new Promise(resolve => res.on('close', () => resolve(!res.writableFinished)))
    const push = (): void => {
      while (!res.destroyed) {
        if (!res.write(`${'x'.repeat(255)}\n`)) {
          res.once('drain', push)
          return
        }
      }
    }
    push()
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, maxResponseBytes: limit, bodyTimeoutMs: 10_000, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryBadResponseError, 'an OryBadResponseError')
  t.equal((err as OryBadResponseError).statusCode, 502)
  t.match((err as OryBadResponseError).message, /larger than the limit/)
  t.equal(upstream.requests.length, 1, 'an oversized answer is not retried')
  t.equal(await dropped, true, 'the client closed the connection while Ory was still sending')
})

t.test('a body of exactly maxResponseBytes is accepted', async t => {
  const items = [{ pad: '' }]
  items[0]!.pad = 'x'.repeat(limit - JSON.stringify(items).length)
  const upstream = await startUpstream((_req, res) => json(res, 200, items))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, maxResponseBytes: limit, retry: false })
  t.teardown(async () => await client.close())

  t.equal(JSON.stringify(items).length, limit)
  const result = await identity.listIdentities(client)
  t.same(result.body, items)
})
