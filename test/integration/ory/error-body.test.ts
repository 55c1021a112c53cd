import t from 'tap'
import { createOryClient, frontend, OryBffError, OryUpstreamError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('a non-success answer becomes an OryUpstreamError carrying status, headers and Ory\'s error body', async t => {
  // Kratos's whoami 401 (session/handler.go `whoami`, session/error.go `ErrNoSessionFound`, no error id), plus a
  // field Ory might add later.
  const oryError = {
    error: {
      code: 401,
      status: 'Unauthorized',
      reason: 'No valid session credentials found in the request.',
      message: 'The request could not be authorized',
      some_field_ory_added_later: true
    }
  }
  const upstream = await startUpstream((_req, res) => json(res, 401, oryError, { 'x-request-id': 'abc' }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client, { cookie: 'ory_session_x=1' }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  t.ok(err instanceof OryBffError)
  const upstreamError = err as OryUpstreamError
  t.equal(upstreamError.code, 'ORY_BFF_UPSTREAM_STATUS')
  t.equal(upstreamError.status, 401)
  t.equal(upstreamError.statusCode, 401)
  t.equal(upstreamError.operationId, 'toSession')
  t.equal(upstreamError.headers['x-request-id'], 'abc')
  t.same(upstreamError.body, oryError, 'the body is passed through unchanged, unknown fields included')
  t.equal(upstreamError.oryError?.id, undefined)
  t.equal(upstreamError.oryError?.reason, 'No valid session credentials found in the request.')
  t.match(upstreamError.message, /toSession with 401: The request could not be authorized/)
})
