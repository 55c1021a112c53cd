import t from 'tap'
import { OpenIdProvider } from '../../../src/oauth2/provider.js'
import { InvalidGrantError, OAuth2ProviderError } from '../../../src/oauth2/provider-errors.js'
import { createOryClient } from '../../../src/ory/index.js'
import { startFakeIssuer } from '../../helpers/fake-issuer.js'
import { json } from '../../helpers/upstream.js'

t.test('invalid_grant from the token endpoint is an InvalidGrantError (401 session_inactive), without the token in it', async t => {
  const issuer = await startFakeIssuer({
    handler: (req, res) => {
      const grant = new URLSearchParams(req.body).get('grant_type')
      if (grant === 'refresh_token') json(res, 400, { error: 'invalid_grant', error_description: 'The refresh token was revoked' })
      else json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' })
    }
  })
  t.teardown(issuer.close)
  const client = createOryClient({ url: 'https://project.example', retry: false })
  t.teardown(async () => await client.close())
  const provider = new OpenIdProvider({ client, issuer: issuer.issuer, clientId: 'bff', clientSecret: 'the-secret', redirectUri: 'https://app.example/cb' })

  const err = await provider.refresh('rt-secret-value').then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof InvalidGrantError)
  t.ok(err instanceof OAuth2ProviderError, 'a kind of OAuth2ProviderError')
  const grantError = err as InvalidGrantError
  t.equal(grantError.statusCode, 401)
  t.equal(grantError.error, 'invalid_grant')
  t.equal(grantError.errorDescription, 'The refresh token was revoked')
  t.match(grantError.toOryError('req-1'), { error: { id: 'session_inactive', code: 401, request: 'req-1', details: { error: 'invalid_grant' } } })
  const shown = JSON.stringify({ message: grantError.message, body: grantError.toOryError() })
  t.notMatch(shown, 'rt-secret-value')
  t.notMatch(shown, 'the-secret')

  const request = issuer.upstream.requests.find(r => r.url === '/token')!
  t.equal(request.headers.authorization, `Basic ${Buffer.from('bff:the-secret').toString('base64')}`, 'client_secret_basic, as discovery lists no methods')
  t.same(Object.fromEntries(new URLSearchParams(request.body)), { grant_type: 'refresh_token', refresh_token: 'rt-secret-value' })

  const other = await provider.exchangeCode({ code: 'c', codeVerifier: 'v'.repeat(43) }).then(() => undefined, (e: unknown) => e)
  t.ok(other instanceof OAuth2ProviderError && !(other instanceof InvalidGrantError), 'another OAuth2 error is an OAuth2ProviderError')
  t.equal((other as OAuth2ProviderError).statusCode, 502)
  t.equal((other as OAuth2ProviderError).error, 'invalid_client')
})
