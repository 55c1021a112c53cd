import t, { type Test } from 'tap'
import {
  createOryClient, frontend, identity, OryArgumentError, OryBffError, OryTimeoutError, OryUpstreamError, type OryErrorBody
} from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

/** The keys and types of Ory's generic error (`errorGeneric` in the spec). */
function assertGenericShape (t: Test, body: OryErrorBody): void {
  t.same(Object.keys(body), ['error'])
  const allowed = new Set(['id', 'code', 'status', 'reason', 'message', 'request', 'details'])
  t.ok(Object.keys(body.error).every(key => allowed.has(key)), `only Ory's keys: ${Object.keys(body.error).join(', ')}`)
  t.type(body.error.code, 'number')
  t.type(body.error.status, 'string')
  t.type(body.error.message, 'string')
}

t.test('toOryError of an upstream status gives Ory\'s generic error shape with the status and request id', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 404, {
    error: { code: 404, status: 'Not Found', message: 'Unable to locate the resource', reason: 'gone' }
  }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.getIdentity(client, { id: 'missing' }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  const shape = (err as OryBffError).toOryError('req-42')
  assertGenericShape(t, shape)
  t.same(shape, {
    error: {
      id: 'upstream_status',
      code: 404,
      status: 'Not Found',
      message: 'Ory answered getIdentity with 404: Unable to locate the resource gone',
      request: 'req-42'
    }
  })
})

t.test('toOryError of a timeout says 504 Gateway Timeout and why', async t => {
  const upstream = await startUpstream(() => {})
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, headersTimeoutMs: 30, retry: false })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryTimeoutError)
  const shape = (err as OryBffError).toOryError()
  assertGenericShape(t, shape)
  t.match(shape, { error: { id: 'upstream_timeout', code: 504, status: 'Gateway Timeout', reason: 'The upstream request timed out.' } })
  t.notOk('request' in shape.error, 'no request id when none is given')
})

t.test('toOryError of a bad argument is a 400', async t => {
  const client = createOryClient({ url: 'http://127.0.0.1:9' })
  t.teardown(async () => await client.close())
  const err = await identity.getIdentity(client, { id: '' }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryArgumentError)
  const shape = (err as OryBffError).toOryError('r')
  assertGenericShape(t, shape)
  t.match(shape, { error: { id: 'invalid_argument', code: 400, status: 'Bad Request', request: 'r' } })
})
