import t from 'tap'
import { decodeJwt } from 'jose'
import { assertNoSecretsLogged, TEMPLATE, withProxy } from '../../helpers/proxy.js'

// What the API gets: the user's session as a JWT in Authorization, and none of the browser's credentials, hop-by-hop
// headers or claims about who the client is (a spoofed X-Forwarded-For, X-Forwarded-Host or Forwarded would let a
// browser pose as another address or host to the API).

t.test('the API sees Bearer <jwt> and the BFF\'s own X-Forwarded-*, never the browser\'s credentials or spoofed headers', async t => {
  const { app, ory, api, logs } = await withProxy(t)
  const cookie = ory.signIn('ada')
  const res = await app.inject({
    method: 'GET',
    url: '/api/proxy/orders/items?page=2',
    remoteAddress: '198.51.100.23',
    headers: {
      cookie: `${cookie}; app_pref=dark`,
      'x-csrf': '1',
      authorization: 'Bearer browser-supplied',
      'proxy-authorization': 'Basic c2VjcmV0',
      'x-session-token': 'ory_st_not_for_the_api',
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'gopher',
      'x-forwarded-prefix': '/admin',
      forwarded: 'for=6.6.6.6;host=evil.example;proto=https',
      connection: 'keep-alive, x-hop-secret',
      'x-hop-secret': 'named in Connection',
      'x-request-id': 'spa-trace-1',
      'x-custom': 'passes'
    }
  })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { ok: true })
  t.equal(api.requests.length, 1)
  const seen = api.requests[0]!
  t.equal(seen.method, 'GET')
  t.equal(seen.url, '/v1/items?page=2')
  t.equal(ory.tokenizations().length, 1)
  t.equal(seen.headers.authorization, `Bearer ${ory.issued[0]}`)
  t.match(decodeJwt(ory.issued[0]!), { tpl: TEMPLATE })
  t.equal(seen.headers.cookie, undefined, 'no cookie, neither Ory\'s nor the app\'s')
  t.equal(seen.headers['proxy-authorization'], undefined)
  t.equal(seen.headers['x-session-token'], undefined)
  t.equal(seen.headers['x-hop-secret'], undefined, 'a header named in Connection is hop-by-hop')
  t.equal(seen.headers['x-forwarded-for'], '198.51.100.23', 'the socket\'s peer: TRUST_PROXY is off')
  t.equal(seen.headers['x-forwarded-host'], 'localhost:80')
  t.equal(seen.headers['x-forwarded-proto'], 'http')
  t.equal(seen.headers['x-forwarded-prefix'], undefined)
  t.equal(seen.headers.forwarded, undefined)
  t.equal(seen.headers['x-request-id'], 'spa-trace-1', 'the request id joins the API\'s logs to ours')
  t.equal(seen.headers['x-custom'], 'passes')
  t.not(seen.headers.host, 'evil.example')
  assertNoSecretsLogged(t, logs, [cookie.split('=')[1]!, ory.issued[0]!, 'ory_st_not_for_the_api', 'c2VjcmV0'])
})

t.test('with TRUST_PROXY, X-Forwarded-* say what the trusted proxy told the BFF, the rest of the chain is dropped', async t => {
  const { app, ory, api } = await withProxy(t, { env: { TRUST_PROXY: '127.0.0.1' } })
  const res = await app.inject({
    method: 'GET',
    url: '/api/proxy/orders/x',
    remoteAddress: '127.0.0.1',
    headers: { cookie: ory.signIn('bob'), 'x-csrf': '1', 'x-forwarded-for': '6.6.6.6, 203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com' }
  })
  t.equal(res.statusCode, 200)
  const seen = api.requests[0]!
  t.equal(seen.headers['x-forwarded-for'], '203.0.113.9', 'the client the trusted proxy names, not the spoofed hop before it')
  t.equal(seen.headers['x-forwarded-proto'], 'https')
  t.equal(seen.headers['x-forwarded-host'], 'app.example.com')
})
