import t from 'tap'
import { OpenIdProvider } from '../../../src/oauth2/provider.js'
import { OAuth2ProviderError } from '../../../src/oauth2/provider-errors.js'
import { createOryClient } from '../../../src/ory/index.js'
import { CLIENTS, startOidcProvider } from '../../helpers/oidc-provider.js'

t.test('a discovery document whose issuer is not exactly the configured one is refused, and not cached', async t => {
  const op = await startOidcProvider()
  t.teardown(op.close)
  const client = createOryClient({ url: 'https://project.example', retry: false })
  t.teardown(async () => await client.close())
  // The same document is found at `<issuer>/` (Discovery §4 drops the trailing slash), but it names `<issuer>`.
  const provider = new OpenIdProvider({ client, issuer: `${op.issuer}/`, ...CLIENTS.basic, redirectUri: 'https://app.example/api/oauth2/callback' })

  const err = await provider.metadata().then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OAuth2ProviderError)
  t.equal((err as OAuth2ProviderError).statusCode, 502)
  t.match((err as OAuth2ProviderError).message, `its issuer "${op.issuer}" is not the configured "${op.issuer}/"`)
  await t.rejects(provider.authorizationUrl({ state: 's', nonce: 'n', codeVerifier: 'v'.repeat(43), scopes: ['openid'] }), OAuth2ProviderError)
  t.equal(op.requests.filter(request => request.url === '/.well-known/openid-configuration').length, 2, 'each use asked again')
})
