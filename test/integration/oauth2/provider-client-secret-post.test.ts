import t from 'tap'
import { createPkce, randomToken } from '../../../src/oauth2/pkce.js'
import { OpenIdProvider } from '../../../src/oauth2/provider.js'
import { createOryClient } from '../../../src/ory/index.js'
import { CLIENTS, signIn, startOidcProvider } from '../../helpers/oidc-provider.js'

const REDIRECT_URI = 'https://app.example/api/oauth2/callback'

t.test('a provider that lists only client_secret_post gets the client\'s credentials in the form', async t => {
  const op = await startOidcProvider({ redirectUris: [REDIRECT_URI], clientAuthMethods: ['client_secret_post'] })
  t.teardown(op.close)
  const client = createOryClient({ url: 'https://project.example', retry: false })
  t.teardown(async () => await client.close())
  const provider = new OpenIdProvider({ client, issuer: op.issuer, ...CLIENTS.post, redirectUri: REDIRECT_URI })
  t.same((await provider.metadata()).token_endpoint_auth_methods_supported, ['client_secret_post'])

  const pkce = createPkce()
  const nonce = randomToken()
  const callback = new URL(await signIn(await provider.authorizationUrl({ state: randomToken(), nonce, codeVerifier: pkce.verifier, scopes: ['openid'] }), REDIRECT_URI))
  const tokens = await provider.exchangeCode({ code: callback.searchParams.get('code')!, codeVerifier: pkce.verifier })
  t.ok(tokens.access_token)
  t.equal((await provider.validateIdToken(tokens.id_token!, { nonce })).aud, CLIENTS.post.clientId)
  await provider.revoke(tokens.refresh_token!, 'refresh_token')
  t.pass('oidc-provider, which holds the client to its registered method, took the code exchange and the revocation')
})
