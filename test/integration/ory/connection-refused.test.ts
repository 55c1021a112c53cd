import t from 'tap'
import { Pool } from 'undici'
import { createOryClient, frontend, identity, OryUnavailableError } from '../../../src/ory/index.js'
import { closedPortUrl } from '../../helpers/upstream.js'

t.test('a refused connection becomes a 502 OryUnavailableError', async t => {
  const client = createOryClient({ url: await closedPortUrl(), retry: false })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)

  t.ok(err instanceof OryUnavailableError, 'an OryUnavailableError')
  const unavailable = err as OryUnavailableError
  t.equal(unavailable.code, 'ORY_BFF_UPSTREAM_UNAVAILABLE')
  t.equal(unavailable.statusCode, 502)
  t.equal(unavailable.operationId, 'toSession')
  t.equal(unavailable.retryable, true, 'the request never reached Ory')
  t.equal((unavailable.cause as { code?: string }).code, 'ECONNREFUSED')
  t.same(unavailable.toOryError('req-1'), {
    error: {
      id: 'upstream_unavailable',
      code: 502,
      status: 'Bad Gateway',
      reason: 'The upstream service is unavailable.',
      message: unavailable.message,
      request: 'req-1'
    }
  })
})

t.test('an idempotent call is retried on a refused connection before it gives up', async t => {
  let dispatches = 0
  const url = await closedPortUrl()
  // The test owns this pool; the interceptor counts what the client hands it, since a closed port records nothing.
  const pool = new Pool(url).compose(dispatch => (opts, handler) => {
    dispatches++
    return dispatch(opts, handler)
  })
  t.teardown(async () => await pool.close())
  const client = createOryClient({
    url,
    dispatcher: pool,
    retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 }
  })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUnavailableError)
  t.equal((err as OryUnavailableError).statusCode, 502)
  t.equal(dispatches, 3, 'the first attempt and two retries')
})
