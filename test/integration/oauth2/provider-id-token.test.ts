import t, { type Test } from 'tap'
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose'
import { OpenIdProvider } from '../../../src/oauth2/provider.js'
import { IdTokenError } from '../../../src/oauth2/provider-errors.js'
import { createOryClient } from '../../../src/ory/index.js'
import { newKey, startFakeIssuer } from '../../helpers/fake-issuer.js'

// ID-token validation (OIDC Core §3.1.3.7) against an issuer of the test's own: one server, one case per subtest,
// a fresh provider (and so fresh caches) for each.

const CLIENT_ID = 'bff'
const issuer = await startFakeIssuer()
t.teardown(issuer.close)
const client = createOryClient({ url: 'https://project.example', retry: false })
t.teardown(async () => await client.close())

let clock = Date.now()
function provider (): OpenIdProvider {
  return new OpenIdProvider({ client, issuer: issuer.issuer, clientId: CLIENT_ID, clientSecret: 's', redirectUri: 'https://app.example/cb', now: () => clock })
}

function claims (extra: JWTPayload = {}): JWTPayload {
  const now = Math.floor(clock / 1000)
  return { iss: issuer.issuer, aud: CLIENT_ID, sub: 'user-1', iat: now, exp: now + 300, nonce: 'n-1', ...extra }
}

async function refused (t: Test, token: string, expected: { nonce?: string, sub?: string }, reason: RegExp): Promise<void> {
  const err = await provider().validateIdToken(token, expected).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof IdTokenError, 'an IdTokenError')
  t.equal((err as IdTokenError).statusCode, 401)
  t.equal((err as IdTokenError).code, 'ORY_BFF_OAUTH2_ID_TOKEN_INVALID')
  t.match((err as IdTokenError).reason, reason)
  t.notMatch(JSON.stringify((err as IdTokenError).toOryError()), token.split('.')[2]!, 'the token is not in the answer')
}

t.beforeEach(() => { clock = Date.now() })

t.test('a good ID token passes and its claims are returned', async t => {
  const payload = await provider().validateIdToken(await issuer.sign(claims()), { nonce: 'n-1' })
  t.match(payload, { sub: 'user-1', nonce: 'n-1', aud: CLIENT_ID })
})

t.test('wrong iss', async t => refused(t, await issuer.sign(claims({ iss: 'https://evil.example' })), {}, /iss/))
t.test('wrong aud', async t => refused(t, await issuer.sign(claims({ aud: 'another-client' })), {}, /aud/))
t.test('several audiences without azp', async t => refused(t, await issuer.sign(claims({ aud: [CLIENT_ID, 'api'] })), {}, /azp/))
t.test('several audiences with another azp', async t => refused(t, await issuer.sign(claims({ aud: [CLIENT_ID, 'api'], azp: 'api' })), {}, /azp/))
t.test('a single audience with another azp', async t => refused(t, await issuer.sign(claims({ azp: 'api' })), {}, /azp/))
t.test('several audiences with azp = the client pass', async t => {
  t.ok(await provider().validateIdToken(await issuer.sign(claims({ aud: [CLIENT_ID, 'api'], azp: CLIENT_ID })), {}))
})
t.test('wrong nonce', async t => refused(t, await issuer.sign(claims({ nonce: 'other' })), { nonce: 'n-1' }, /nonce/))
t.test('no nonce when one is expected', async t => refused(t, await issuer.sign(claims({ nonce: undefined })), { nonce: 'n-1' }, /nonce/))
t.test('no sub', async t => refused(t, await issuer.sign(claims({ sub: undefined })), {}, /sub/))
t.test('a refreshed ID token for another subject', async t => refused(t, await issuer.sign(claims({ sub: 'user-2' })), { sub: 'user-1' }, /another subject/))

t.test('expired beyond the skew', async t => {
  const now = Math.floor(clock / 1000)
  await refused(t, await issuer.sign(claims({ iat: now - 600, exp: now - 61 })), {}, /expired/)
})
t.test('expired within the skew passes', async t => {
  const now = Math.floor(clock / 1000)
  t.ok(await provider().validateIdToken(await issuer.sign(claims({ iat: now - 600, exp: now - 30 })), {}))
})
t.test('issued in the future beyond the skew', async t => {
  const now = Math.floor(clock / 1000)
  await refused(t, await issuer.sign(claims({ iat: now + 120, exp: now + 600 })), {}, /future/)
})
t.test('no exp', async t => refused(t, await issuer.sign(claims({ exp: undefined })), {}, /exp/))

t.test('a bad signature: the right kid, another key', async t => {
  const impostor = await newKey(issuer.published[0]!.kid)
  await refused(t, await issuer.sign(claims(), { key: impostor }), {}, /signature/)
})
t.test('alg none', async t => {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  await refused(t, `${encode({ alg: 'none' })}.${encode(claims())}.`, {}, /"none"/)
})
t.test('an algorithm the provider does not list', async t => {
  const { privateKey } = await generateKeyPair('RS512')
  const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS512', kid: issuer.published[0]!.kid }).sign(privateKey)
  await refused(t, token, {}, /RS512/)
})
t.test('not a JWT', async t => refused(t, 'not-a-token', {}, /not a signed JWT/))

t.test('an unknown kid after rotation: one JWKS refetch, then the new key verifies', async t => {
  const p = provider()
  const before = issuer.jwksRequests()
  await p.validateIdToken(await issuer.sign(claims()), {})
  t.equal(issuer.jwksRequests() - before, 1, 'the JWKS was fetched')
  const rotated = await newKey()
  const old = issuer.published
  issuer.published = [rotated, ...old]
  t.teardown(() => { issuer.published = old })
  clock += 31_000
  t.ok(await p.validateIdToken(await issuer.sign(claims(), { key: rotated }), {}), 'the token of the new key verifies')
  t.equal(issuer.jwksRequests() - before, 2, 'after exactly one more fetch')
  await p.validateIdToken(await issuer.sign(claims(), { key: rotated }), {})
  t.equal(issuer.jwksRequests() - before, 2, 'and the new key is cached')
})

t.test('an unknown kid the JWKS does not have: one refetch, then failure, and no fetch again for a while', async t => {
  const p = provider()
  const before = issuer.jwksRequests()
  await p.validateIdToken(await issuer.sign(claims()), {})
  clock += 31_000
  const stranger = await newKey()
  const token = await issuer.sign(claims(), { key: stranger })
  const err = await p.validateIdToken(token, {}).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof IdTokenError)
  t.match((err as IdTokenError).reason, new RegExp(`No key .* \\(kid "${stranger.kid}"\\)`))
  t.equal(issuer.jwksRequests() - before, 2, 'one refetch')
  await t.rejects(p.validateIdToken(await issuer.sign(claims(), { key: await newKey() }), {}), IdTokenError)
  t.equal(issuer.jwksRequests() - before, 2, 'another unknown kid within the cooldown fetches nothing')
})

t.test('concurrent tokens with an unknown kid share one refetch', async t => {
  const p = provider()
  const before = issuer.jwksRequests()
  await p.validateIdToken(await issuer.sign(claims()), {})
  const rotated = await newKey()
  const old = issuer.published
  issuer.published = [rotated]
  t.teardown(() => { issuer.published = old })
  clock += 31_000
  const tokens = await Promise.all([1, 2, 3, 4].map(async () => await issuer.sign(claims(), { key: rotated })))
  const results = await Promise.all(tokens.map(async token => await p.validateIdToken(token, {})))
  t.equal(results.length, 4)
  t.equal(issuer.jwksRequests() - before, 2, 'four tokens, one refetch')
})
