import t from 'tap'
import { createOryClient, frontend, OryTimeoutError } from '../../../src/ory/index.js'
import { startUpstream } from '../../helpers/upstream.js'

t.test('a body that stalls after the headers ends the call with a 504 OryTimeoutError', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
    res.write('{"id":"')
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, bodyTimeoutMs: 50, timeoutMs: 10_000, retry: false })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)

  t.ok(err instanceof OryTimeoutError, 'an OryTimeoutError')
  const timeout = err as OryTimeoutError
  t.equal(timeout.code, 'ORY_BFF_UPSTREAM_TIMEOUT')
  t.equal(timeout.statusCode, 504)
  t.equal((timeout.cause as { code?: string }).code, 'UND_ERR_BODY_TIMEOUT', 'the body timeout fired, not the call timeout')
  t.equal(upstream.requests.length, 1)
})
