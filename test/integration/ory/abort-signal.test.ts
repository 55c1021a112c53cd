import t from 'tap'
import { createOryClient, frontend, identity, OryAbortError, OryTimeoutError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('aborting while Ory has not answered ends the call with an OryAbortError', async t => {
  const upstream = await startUpstream(() => {})
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, headersTimeoutMs: 30_000, timeoutMs: 30_000, retry: false })
  t.teardown(async () => await client.close())

  const controller = new AbortController()
  const call = frontend.toSession(client, {}, { signal: controller.signal }).then(() => undefined, (e: unknown) => e)
  await upstream.waitForRequests(1)
  controller.abort()
  const err = await call

  t.ok(err instanceof OryAbortError, 'an OryAbortError')
  t.notOk(err instanceof OryTimeoutError, 'not mistaken for a timeout')
  const aborted = err as OryAbortError
  t.equal(aborted.code, 'ORY_BFF_ABORTED')
  t.equal(aborted.statusCode, 499)
  t.equal(aborted.operationId, 'toSession')
})

t.test('aborting while the body arrives ends the call too', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
    res.write('[')
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, bodyTimeoutMs: 30_000, timeoutMs: 30_000, retry: false })
  t.teardown(async () => await client.close())

  const controller = new AbortController()
  const call = identity.listIdentities(client, {}, { signal: controller.signal }).then(() => undefined, (e: unknown) => e)
  await upstream.waitForRequests(1)
  controller.abort(new Error('the browser went away'))
  const err = await call
  t.ok(err instanceof OryAbortError)
  t.equal((err as OryAbortError).code, 'ORY_BFF_ABORTED')
})

t.test('aborting during the wait before a retry ends the call without another request', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 503, {}, { 'retry-after': '60' }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, timeoutMs: 120_000, retry: { retries: 3, maxDelayMs: 60_000 } })
  t.teardown(async () => await client.close())

  const controller = new AbortController()
  const call = identity.listIdentities(client, {}, { signal: controller.signal }).then(() => undefined, (e: unknown) => e)
  await upstream.waitForRequests(1)
  controller.abort()
  const err = await call
  t.ok(err instanceof OryAbortError)
  t.equal(upstream.requests.length, 1)
})

t.test('a signal aborted before the call sends nothing', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client, {}, { signal: AbortSignal.abort() }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryAbortError)
  t.equal(upstream.requests.length, 0)
})
