import t from 'tap'
import { createOryClient, frontend, OryUpstreamError } from '../../../src/ory/index.js'
import { startUpstream } from '../../helpers/upstream.js'

t.test('a body that is not JSON is returned as text: the WebAuthn script', async t => {
  const script = 'window.__oryWebAuthnLogin = function (opt) { return JSON.parse("{}") };\n'
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=UTF-8' })
    res.end(script)
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false, validateResponses: true })
  t.teardown(async () => await client.close())

  const result = await frontend.getWebAuthnJavaScript(client)
  t.equal(result.status, 200)
  t.equal(typeof result.body, 'string')
  t.equal(result.body, script, 'byte for byte')
  t.equal(upstream.requests[0]?.url, '/.well-known/ory/webauthn.js')
})

t.test('a text error body is kept as text on the OryUpstreamError', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/plain' })
    res.end('upstream connect error or disconnect/reset before headers')
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await frontend.getWebAuthnJavaScript(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  t.equal((err as OryUpstreamError).body, 'upstream connect error or disconnect/reset before headers')
  t.equal((err as OryUpstreamError).statusCode, 502)
})
