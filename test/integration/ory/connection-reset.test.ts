import t from 'tap'
import { createOryClient, identity, OryUnavailableError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

const retry = { retries: 2, minDelayMs: 1, maxDelayMs: 2 }

/** Sends the headers and part of the body, then drops the connection. */
function resetMidBody (res: import('node:http').ServerResponse, socket: import('node:net').Socket): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
  res.write('[{"id":', () => socket.destroy())
}

t.test('a connection reset mid-body becomes a 502 OryUnavailableError', async t => {
  const upstream = await startUpstream((_req, res, socket) => resetMidBody(res, socket))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUnavailableError, 'an OryUnavailableError')
  t.equal((err as OryUnavailableError).code, 'ORY_BFF_UPSTREAM_UNAVAILABLE')
  t.equal((err as OryUnavailableError).statusCode, 502)
  t.equal(upstream.requests.length, 1, 'retry: false sends it once')
})

t.test('an idempotent GET is sent again after a reset, and the second answer is returned', async t => {
  const upstream = await startUpstream((_req, res, socket) => {
    if (upstream.requests.length === 1) return resetMidBody(res, socket)
    json(res, 200, [])
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry })
  t.teardown(async () => await client.close())

  const result = await identity.listIdentities(client)
  t.equal(result.status, 200)
  t.same(result.body, [])
  t.equal(upstream.requests.length, 2)
  t.same(upstream.requests.map(r => `${r.method} ${r.url}`), ['GET /admin/identities', 'GET /admin/identities'])
})

t.test('a POST is never sent twice: Ory may have acted on it before the reset', async t => {
  const upstream = await startUpstream((_req, res, socket) => resetMidBody(res, socket))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry })
  t.teardown(async () => await client.close())

  const err = await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'a@example.com' } } })
    .then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUnavailableError)
  t.equal((err as OryUnavailableError).statusCode, 502)
  t.equal(upstream.requests.length, 1, 'one request only')
  t.equal(upstream.requests[0]?.method, 'POST')
})
