import t from 'tap'
import { createPkce, randomToken } from '../../../src/oauth2/pkce.js'
import { OpenIdProvider } from '../../../src/oauth2/provider.js'
import { createOryClient } from '../../../src/ory/index.js'
import { CLIENTS, newBrowser, signIn, startOidcProvider } from '../../helpers/oidc-provider.js'

const REDIRECT_URI = 'https://app.example/api/oauth2/callback'

t.test('oidc-provider rotates its keys: the next ID token is verified after one JWKS refetch', async t => {
  const op = await startOidcProvider({ redirectUris: [REDIRECT_URI] })
  t.teardown(op.close)
  const client = createOryClient({ url: 'https://project.example', retry: false })
  t.teardown(async () => await client.close())
  let clock = Date.now()
  const provider = new OpenIdProvider({ client, issuer: op.issuer, ...CLIENTS.basic, redirectUri: REDIRECT_URI, now: () => clock })
  const browser = newBrowser()
  const login = async (): Promise<string> => {
    const pkce = createPkce()
    const nonce = randomToken()
    const callback = new URL(await signIn(await provider.authorizationUrl({ state: randomToken(), nonce, codeVerifier: pkce.verifier, scopes: ['openid'] }), REDIRECT_URI, browser))
    const tokens = await provider.exchangeCode({ code: callback.searchParams.get('code')!, codeVerifier: pkce.verifier })
    return (await provider.validateIdToken(tokens.id_token!, { nonce })).sub!
  }
  const jwksFetches = (): number => op.requests.filter(request => request.url === '/jwks').length

  t.ok(await login())
  t.equal(jwksFetches(), 1)
  const before = op.jwks()[0]!.kid
  await op.rotateKeys({ keepOld: false })
  t.not(op.jwks()[0]!.kid, before, 'a new key')
  clock += 60_000
  t.ok(await login(), 'signed in again, with the same provider session, through the new provider instance')
  t.equal(jwksFetches(), 2, 'one refetch')
})
