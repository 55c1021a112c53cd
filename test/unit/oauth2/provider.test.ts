import { createHash } from 'node:crypto'
import t from 'tap'
import { codeChallenge, createPkce, randomToken } from '../../../src/oauth2/pkce.js'
import { DEFAULT_EXPIRES_IN_SECONDS, parseMetadata, parseTokenResponse, tokenSetFrom } from '../../../src/oauth2/provider.js'
import { OAuth2ProviderError } from '../../../src/oauth2/provider-errors.js'

t.test('PKCE: a 43-character verifier and its S256 challenge', async t => {
  const { verifier, challenge } = createPkce()
  t.match(verifier, /^[A-Za-z0-9_-]{43}$/)
  t.equal(challenge, createHash('sha256').update(verifier).digest('base64url'))
  // RFC 7636 Appendix B.
  t.equal(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
  t.not(createPkce().verifier, verifier)
  t.match(randomToken(16), /^[A-Za-z0-9_-]{22}$/)
  t.throws(() => randomToken(8), RangeError)
})

t.test('parseTokenResponse checks the shape', async t => {
  t.same(parseTokenResponse({ access_token: 'a', token_type: 'bearer', expires_in: 60, refresh_token: 'r', id_token: 'i', scope: 'openid', extra: 1 }),
    { access_token: 'a', token_type: 'bearer', expires_in: 60, refresh_token: 'r', id_token: 'i', scope: 'openid' })
  t.same(parseTokenResponse({ access_token: 'a', token_type: 'BeArEr', expires_in: '3600' }), { access_token: 'a', token_type: 'BeArEr', expires_in: 3600 })
  const bad = [undefined, 'text', [], {}, { token_type: 'Bearer' }, { access_token: '', token_type: 'Bearer' }, { access_token: 'a' },
    { access_token: 'a', token_type: 'DPoP' }, { access_token: 'a', token_type: 'Bearer', expires_in: -1 }, { access_token: 'a', token_type: 'Bearer', expires_in: 'soon' },
    { access_token: 'a', token_type: 'Bearer', refresh_token: 5 }]
  for (const body of bad) t.throws(() => parseTokenResponse(body), OAuth2ProviderError, JSON.stringify(body) ?? 'undefined')
  t.equal((() => { try { parseTokenResponse({ token_type: 'Bearer', refresh_token: 'secret' }) } catch (err) { return (err as OAuth2ProviderError).statusCode } })(), 502)
})

t.test('tokenSetFrom keeps what a refresh answer leaves out', async t => {
  const first = tokenSetFrom({ access_token: 'a1', token_type: 'Bearer', expires_in: 600, refresh_token: 'r1', id_token: 'i1', scope: 'openid' }, 1000.7)
  t.same(first, { accessToken: 'a1', tokenType: 'Bearer', accessTokenIssuedAt: 1000, accessTokenExpiresAt: 1600, refreshToken: 'r1', idToken: 'i1', scope: 'openid' })
  t.same(tokenSetFrom({ access_token: 'a2', token_type: 'Bearer' }, 2000, first),
    { accessToken: 'a2', tokenType: 'Bearer', accessTokenIssuedAt: 2000, accessTokenExpiresAt: 2000 + DEFAULT_EXPIRES_IN_SECONDS, refreshToken: 'r1', idToken: 'i1', scope: 'openid' })
  t.equal(tokenSetFrom({ access_token: 'a3', token_type: 'Bearer', refresh_token: 'r2' }, 0, first).refreshToken, 'r2', 'a rotated refresh token replaces the old')
  t.same(Object.keys(tokenSetFrom({ access_token: 'a', token_type: 'Bearer' }, 0)).sort(), ['accessToken', 'accessTokenExpiresAt', 'accessTokenIssuedAt', 'tokenType'])
})

t.test('parseMetadata', async t => {
  const issuer = 'https://idp.example'
  const good = { issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, other: { kept: true } }
  const parsed = parseMetadata(good, issuer)
  t.same(parsed.id_token_signing_alg_values_supported, ['RS256'], 'RS256 when the list is absent')
  t.same(parsed.other, { kept: true })
  const refused: Array<[unknown, string]> = [
    ['nope', 'not an object'],
    [{ ...good, issuer: `${issuer}/` }, 'issuer with a slash'],
    [{ ...good, issuer: 'https://IDP.example' }, 'issuer in another case'],
    [{ ...good, token_endpoint: undefined }, 'no token endpoint'],
    [{ ...good, jwks_uri: 'ftp://idp.example/jwks' }, 'jwks_uri not http(s)'],
    [{ ...good, token_endpoint: 'http://idp.example/token' }, 'http endpoint of an https issuer'],
    [{ ...good, revocation_endpoint: 'not a url' }, 'a bad optional endpoint'],
    [{ ...good, code_challenge_methods_supported: ['plain'] }, 'no S256'],
    [{ ...good, id_token_signing_alg_values_supported: ['HS256', 'none'] }, 'only symmetric or none'],
    [{ ...good, token_endpoint_auth_methods_supported: 'client_secret_basic' }, 'not a list']
  ]
  for (const [body, why] of refused) t.throws(() => parseMetadata(body, issuer), OAuth2ProviderError, why)
  t.ok(parseMetadata({ ...good, issuer: 'http://127.0.0.1:1', token_endpoint: 'http://127.0.0.1:1/token', authorization_endpoint: 'http://127.0.0.1:1/a', jwks_uri: 'http://127.0.0.1:1/j' }, 'http://127.0.0.1:1'), 'an http issuer may have http endpoints')
})
