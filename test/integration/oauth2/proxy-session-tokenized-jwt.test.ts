import t from 'tap'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { DEFAULT_TOKENIZE_TEMPLATE, TOKENIZER_JWKS_PATH } from '../../../src/emulator/index.js'
import { createOryClient } from '../../../src/ory/index.js'
import { CookieJar, signInBrowser, signUpNative } from '../../helpers/emulator.js'
import { assertNoSecretsLogged, SPA_FETCH, startOAuth2Bff } from '../../helpers/oauth2.js'
import { startUpstream } from '../../helpers/upstream.js'

// An API route with `token: session`: a user signed in with an Ory session (no OAuth2 login) calls it through
// /api/proxy, and the API gets a JWT of the session made by Ory's session tokenizer, verifiable with the template's
// JWKS. Concurrent calls share one tokenization.

t.test('the API gets a verifiable session JWT; 20 concurrent calls, one tokenization', async t => {
  let tokenizations = 0
  const api = await startUpstream((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}') })
  t.teardown(api.close)
  const bff = await startOAuth2Bff(t, {
    emulator: { onResponse: response => { if (response.url.includes('tokenize_as=')) tokenizations++ } },
    env: { API_ROUTES: JSON.stringify({ orders: { url: `${api.url}/v1`, methods: ['GET'], token: 'session', tokenize_as: DEFAULT_TOKENIZE_TEMPLATE } }) }
  })
  const client = createOryClient({ url: bff.emu.url, retry: false })
  t.teardown(async () => await client.close())
  const email = 'session-user@example.com'
  const { identityId } = await signUpNative(client, email)
  const jar = new CookieJar()
  await signInBrowser(client, jar, email)
  t.ok(jar.get('ory_kratos_session'), 'an Ory session cookie')

  const first = await bff.app.inject({ method: 'GET', url: '/api/proxy/orders/x?page=1', headers: { cookie: jar.header(), ...SPA_FETCH } })
  t.equal(first.statusCode, 200, first.body)
  const seen = api.requests.at(-1)!
  t.equal(seen.url, '/v1/x?page=1')
  t.equal(seen.headers.cookie, undefined, 'the browser\'s cookies do not reach the API')
  const jwt = /^Bearer (.+)$/.exec(String(seen.headers.authorization))?.[1]
  t.ok(jwt, 'Authorization: Bearer <jwt>')
  const keys = createRemoteJWKSet(new URL(`${bff.emu.url}${TOKENIZER_JWKS_PATH}`))
  const { payload, protectedHeader } = await jwtVerify(jwt!, keys, { issuer: bff.emu.ctx.baseUrl })
  t.equal(protectedHeader.alg, 'ES256')
  t.equal(payload.sub, identityId, 'sub is the identity')
  t.ok(typeof payload.exp === 'number' && payload.exp > Date.now() / 1000, 'not expired')
  t.equal(tokenizations, 1)

  const before = api.requests.length
  const calls = await Promise.all(Array.from({ length: 20 }, async (_, i) =>
    await bff.app.inject({ method: 'GET', url: `/api/proxy/orders/items/${i}`, headers: { cookie: jar.header(), ...SPA_FETCH } })))
  t.same(calls.map(call => call.statusCode), calls.map(() => 200))
  t.equal(tokenizations, 1, 'the cached JWT serves the concurrent calls: no further tokenization')
  t.same(new Set(api.requests.slice(before).map(r => r.headers.authorization)), new Set([`Bearer ${jwt!}`]), 'every call carries the same JWT')

  const signedOut = await bff.app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: SPA_FETCH })
  t.equal(signedOut.statusCode, 401, 'no session, no call')
  assertNoSecretsLogged(t, bff, [jwt!, jar.get('ory_kratos_session')!])
})

t.test('20 concurrent first calls of a new session: one tokenization', async t => {
  let tokenizations = 0
  const api = await startUpstream((_req, res) => { res.writeHead(204); res.end() })
  t.teardown(api.close)
  const bff = await startOAuth2Bff(t, {
    emulator: { onResponse: response => { if (response.url.includes('tokenize_as=')) tokenizations++ } },
    env: { API_ROUTES: JSON.stringify({ orders: { url: api.url, methods: ['GET'], token: 'session', tokenize_as: DEFAULT_TOKENIZE_TEMPLATE } }) }
  })
  const client = createOryClient({ url: bff.emu.url, retry: false })
  t.teardown(async () => await client.close())
  await signUpNative(client, 'concurrent@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'concurrent@example.com')
  const calls = await Promise.all(Array.from({ length: 20 }, async (_, i) =>
    await bff.app.inject({ method: 'GET', url: `/api/proxy/orders/${i}`, headers: { cookie: jar.header(), ...SPA_FETCH } })))
  t.same(calls.map(call => call.statusCode), calls.map(() => 204))
  t.equal(tokenizations, 1, 'one tokenization shared by all')
  t.equal(new Set(api.requests.map(r => r.headers.authorization)).size, 1, 'one JWT')
})
