import t from 'tap'
import { createOryClient, frontend, identity, oidc, OryArgumentError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('a line break in any header value is refused with an OryArgumentError before anything is sent', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const attempts: Array<[string, () => Promise<unknown>]> = [
    ['a header parameter with CRLF', async () => await frontend.toSession(client, { cookie: 'a=1\r\nX-Injected: 1' })],
    ['a header parameter with LF', async () => await frontend.toSession(client, { xSessionToken: 'st\nX-Injected: 1' })],
    ['a header parameter with NUL', async () => await frontend.toSession(client, { cookie: 'a=1\u0000' })],
    ['a request id with CRLF', async () => await frontend.toSession(client, {}, { requestId: 'r1\r\nX-Injected: 1' })],
    ['an extra header with CR', async () => await frontend.toSession(client, {}, { headers: { 'x-trace': 'a\rb' } })],
    ['a session token with CRLF', async () => await frontend.updateSettingsFlow(client, { flow: 'f', body: { method: 'profile', traits: {} } }, { auth: { sessionToken: 'st\r\nX-Injected: 1' } })],
    ['a bearer token with LF', async () => await oidc.getOidcDynamicClient(client, { id: 'c1' }, { auth: { bearer: 'x\nX-Injected: 1' } })]
  ]
  for (const [what, attempt] of attempts) {
    const err = await attempt().then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof OryArgumentError, `${what}: OryArgumentError`)
    t.equal((err as OryArgumentError).statusCode, 400, `${what}: a 400, not a 502 as if Ory were down`)
  }
  t.equal(upstream.requests.length, 0, 'nothing reached Ory')
})

t.test('an API key with a line break in it is refused too', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, []))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_x\r\nX-Injected: 1', retry: false })
  t.teardown(async () => await client.close())

  const err = await identity.listIdentities(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryArgumentError)
  t.equal(upstream.requests.length, 0)
})

t.test('a header name undici cannot send is an OryArgumentError too, not a 502', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  for (const name of ['bad name', 'x-a:b', 'x-é']) {
    const err = await frontend.toSession(client, {}, { headers: { [name]: 'v' } }).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof OryArgumentError, `"${name}" is refused as an argument error`)
    t.equal((err as OryArgumentError).statusCode, 400)
  }
  t.equal(upstream.requests.length, 0)
})
