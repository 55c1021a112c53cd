import t from 'tap'
import { createOryClient, frontend, identity, operations, OryArgumentError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('a missing required parameter is an OryArgumentError, and nothing is sent', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const attempts: Array<[string, Promise<unknown>]> = [
    ['a missing path parameter', client.call(operations.getIdentity, {})],
    ['a null path parameter', client.call(operations.getIdentity, { id: null })],
    ['an empty path parameter', identity.getIdentity(client, { id: '' })],
    ['an empty array as path parameter', client.call(operations.getIdentity, { id: [] })],
    ['a missing required query parameter', client.call(operations.updateLoginFlow, { body: { method: 'password' } })],
    ['a missing required body', client.call(operations.updateLoginFlow, { flow: 'f' })]
  ]
  for (const [what, attempt] of attempts) {
    const err = await attempt.then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof OryArgumentError, what)
    t.equal((err as OryArgumentError).code, 'ORY_BFF_INVALID_ARGUMENT', what)
    t.equal((err as OryArgumentError).statusCode, 400, what)
  }
  t.equal(upstream.requests.length, 0, 'no request reached Ory')

  // The same operations go through once the arguments are complete.
  await identity.getIdentity(client, { id: 'i1' })
  await frontend.updateLoginFlow(client, { flow: 'f', body: { method: 'password', identifier: 'a', password: 'b' } })
  t.equal(upstream.requests.length, 2)
})

t.test('the message names the operation and the parameter', async t => {
  const client = createOryClient({ url: 'http://127.0.0.1:9', retry: false })
  t.teardown(async () => await client.close())
  const err = await client.call(operations.getIdentity, {}).then(() => undefined, (e: unknown) => e)
  t.equal((err as OryArgumentError).operationId, 'getIdentity')
  t.match((err as OryArgumentError).message, /getIdentity.*id/)
})
