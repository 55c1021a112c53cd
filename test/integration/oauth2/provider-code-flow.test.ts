import t from 'tap'
import { createPkce, randomToken } from '../../../src/oauth2/pkce.js'
import { OpenIdProvider, tokenSetFrom } from '../../../src/oauth2/provider.js'
import { InvalidGrantError } from '../../../src/oauth2/provider-errors.js'
import { createOryClient } from '../../../src/ory/index.js'
import { CLIENTS, newBrowser, signIn, startOidcProvider, TEST_ACCOUNT } from '../../helpers/oidc-provider.js'

const REDIRECT_URI = 'https://app.example/api/oauth2/callback'

t.test('against oidc-provider: discovery, code exchange, ID token, refresh, userinfo and revocation', async t => {
  const op = await startOidcProvider({ redirectUris: [REDIRECT_URI] })
  t.teardown(op.close)
  const client = createOryClient({ url: 'https://project.example', retry: false })
  t.teardown(async () => await client.close())
  const provider = new OpenIdProvider({ client, issuer: op.issuer, ...CLIENTS.basic, redirectUri: REDIRECT_URI })

  const metadata = await provider.metadata()
  t.equal(metadata.issuer, op.issuer)
  t.equal(metadata.token_endpoint, `${op.issuer}/token`)
  t.equal(metadata.authorization_response_iss_parameter_supported, true)

  const pkce = createPkce()
  const state = randomToken(16)
  const nonce = randomToken(16)
  const authorizationUrl = await provider.authorizationUrl({ state, nonce, codeVerifier: pkce.verifier, scopes: ['openid', 'email', 'profile'] })
  const authorize = new URL(authorizationUrl)
  t.equal(authorize.searchParams.get('code_challenge'), pkce.challenge)
  t.equal(authorize.searchParams.get('code_challenge_method'), 'S256')

  const browser = newBrowser()
  const callback = new URL(await signIn(authorizationUrl, REDIRECT_URI, browser))
  t.equal(callback.searchParams.get('state'), state)
  const code = callback.searchParams.get('code')
  t.ok(code, 'the provider sent a code')
  await provider.checkCallbackIssuer(callback.searchParams.get('iss') ?? undefined)

  const tokens = await provider.exchangeCode({ code: code!, codeVerifier: pkce.verifier })
  t.match(tokens, { token_type: /^bearer$/i, access_token: String, id_token: String, refresh_token: String })
  const claims = await provider.validateIdToken(tokens.id_token!, { nonce })
  t.equal(claims.sub, TEST_ACCOUNT.sub)
  t.equal(claims.nonce, nonce)

  const info = await provider.userinfo(tokens.access_token, { sub: claims.sub })
  t.match(info, { sub: TEST_ACCOUNT.sub, email: TEST_ACCOUNT.email })

  const set = tokenSetFrom(tokens, 1000)
  const refreshed = await provider.refresh(tokens.refresh_token!)
  t.not(refreshed.access_token, tokens.access_token)
  if (refreshed.id_token !== undefined) await provider.validateIdToken(refreshed.id_token, { sub: claims.sub })
  const next = tokenSetFrom(refreshed, 2000, set)
  t.ok(next.refreshToken, 'a refresh token is kept or replaced')

  await provider.revoke(next.refreshToken!, 'refresh_token')
  await t.rejects(provider.refresh(next.refreshToken!), InvalidGrantError, 'a revoked refresh token is refused as invalid_grant')

  // Last: oidc-provider revokes what a code gave when the code is used again (RFC 6749 §4.1.2).
  await t.rejects(provider.exchangeCode({ code: code!, codeVerifier: pkce.verifier }), InvalidGrantError, 'a code is good once')

  const logout = new URL((await provider.endSessionUrl({ idTokenHint: tokens.id_token!, postLogoutRedirectUri: 'https://app.example/', state: 's' }))!)
  t.equal(logout.origin + logout.pathname, metadata.end_session_endpoint)
  t.equal(logout.searchParams.get('client_id'), CLIENTS.basic.clientId)
  t.equal(op.requests.filter(request => request.url === '/.well-known/openid-configuration').length, 1, 'discovery was fetched once')
  t.equal(op.requests.filter(request => request.url === '/jwks').length, 1, 'and the JWKS once')
})
