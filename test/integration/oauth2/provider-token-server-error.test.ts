import t from 'tap'
import { OpenIdProvider } from '../../../src/oauth2/provider.js'
import { OAuth2ProviderError } from '../../../src/oauth2/provider-errors.js'
import { createOryClient } from '../../../src/ory/index.js'
import { startFakeIssuer } from '../../helpers/fake-issuer.js'

t.test('a 500 from the token endpoint is a 502 that says so', async t => {
  const issuer = await startFakeIssuer({
    handler: (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' })
      res.end('<h1>Internal Server Error</h1>')
    }
  })
  t.teardown(issuer.close)
  const client = createOryClient({ url: 'https://project.example' })
  t.teardown(async () => await client.close())
  const provider = new OpenIdProvider({ client, issuer: issuer.issuer, clientId: 'bff', clientSecret: 's', redirectUri: 'https://app.example/cb' })

  const err = await provider.exchangeCode({ code: 'c', codeVerifier: 'v'.repeat(43) }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OAuth2ProviderError)
  t.equal((err as OAuth2ProviderError).statusCode, 502)
  t.equal((err as OAuth2ProviderError).error, undefined)
  t.match((err as OAuth2ProviderError).message, 'The OpenID Provider refused the token request with 500')
  t.equal(issuer.upstream.requests.filter(r => r.url === '/token').length, 1, 'a POST is never retried')
})

t.test('a token response without an access token is a 502', async t => {
  const issuer = await startFakeIssuer({
    handler: (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ token_type: 'Bearer', id_token: 'x' }))
    }
  })
  t.teardown(issuer.close)
  const client = createOryClient({ url: 'https://project.example' })
  t.teardown(async () => await client.close())
  const provider = new OpenIdProvider({ client, issuer: issuer.issuer, clientId: 'bff', clientSecret: 's', redirectUri: 'https://app.example/cb' })
  await t.rejects(provider.refresh('rt'), { name: 'OAuth2ProviderError', statusCode: 502, message: /access_token is missing/ })
})
