import t from 'tap'
import { createOryClient, frontend, OryUpstreamError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

const cookies = [
  'ory_session_abc=MTY4; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
  'csrf_token_123=xyz; Path=/; Domain=example.com; HttpOnly; Secure; SameSite=Lax'
]

t.test('several Set-Cookie headers arrive as an array, each cookie intact', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}, { 'set-cookie': cookies }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const result = await frontend.toSession(client)
  t.same(result.headers['set-cookie'], cookies, 'not joined with commas: Expires has a comma of its own')
})

t.test('a single Set-Cookie is an array too', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}, { 'set-cookie': cookies[0]! }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const result = await frontend.toSession(client)
  t.ok(Array.isArray(result.headers['set-cookie']), 'an array')
  t.same(result.headers['set-cookie'], [cookies[0]])
})

t.test('the cookies of an error answer are kept as an array on the OryUpstreamError', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 401, { error: { code: 401, status: 'Unauthorized', message: 'no session' } }, { 'set-cookie': cookies }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  t.same((err as OryUpstreamError).headers['set-cookie'], cookies)
})

t.test('no Set-Cookie, no set-cookie key', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const result = await frontend.toSession(client)
  t.equal(result.headers['set-cookie'], undefined)
})
