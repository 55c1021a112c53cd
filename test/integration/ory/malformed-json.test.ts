import t from 'tap'
import { createOryClient, frontend, OryBadResponseError, OryUpstreamError } from '../../../src/ory/index.js'
import { startUpstream } from '../../helpers/upstream.js'

t.test('a body labelled application/json that is not JSON becomes a 502 OryBadResponseError', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
    res.end('{"id": "abc", ')
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryBadResponseError, 'an OryBadResponseError')
  const bad = err as OryBadResponseError
  t.equal(bad.code, 'ORY_BFF_UPSTREAM_BAD_RESPONSE')
  t.equal(bad.statusCode, 502)
  t.equal(bad.status, 200)
  t.equal(bad.reason, 'The upstream response was malformed.')
  t.ok(bad.cause instanceof SyntaxError, 'the parse error is kept as the cause')
})

t.test('a +json error body that is not JSON is a bad response too, and keeps Ory\'s status', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/problem+json' })
    res.end('<html>oops</html>')
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryBadResponseError, 'a bad response, not an error status with half a body')
  t.notOk(err instanceof OryUpstreamError)
  t.equal((err as OryBadResponseError).status, 500)
})
