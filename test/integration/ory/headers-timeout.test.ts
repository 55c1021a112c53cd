import t from 'tap'
import { createOryClient, frontend, OryBffError, OryTimeoutError } from '../../../src/ory/index.js'
import { startUpstream } from '../../helpers/upstream.js'

t.test('Ory that never sends the response headers ends the call with a 504 OryTimeoutError', async t => {
  // The request is read and never answered; close() destroys the hanging socket.
  const upstream = await startUpstream(() => {})
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, headersTimeoutMs: 50, timeoutMs: 10_000, retry: false })
  t.teardown(async () => await client.close())

  const started = performance.now()
  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)
  const elapsed = performance.now() - started

  t.ok(err instanceof OryTimeoutError, 'an OryTimeoutError')
  t.ok(err instanceof OryBffError)
  const timeout = err as OryTimeoutError
  t.equal(timeout.code, 'ORY_BFF_UPSTREAM_TIMEOUT')
  t.equal(timeout.statusCode, 504)
  t.equal(timeout.operationId, 'toSession')
  t.equal((timeout.cause as { code?: string }).code, 'UND_ERR_HEADERS_TIMEOUT', 'the headers timeout fired, not the call timeout')
  t.ok(elapsed < 5_000, `it gave up after the headers timeout (${Math.round(elapsed)} ms), not the call timeout`)
  t.equal(upstream.requests.length, 1, 'a timeout is not retried')
})
