import t from 'tap'
import { createOryClient, oauth2, OryUpstreamError } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('an OAuth2 error body (RFC 6749 §5.2) becomes the message of the OryUpstreamError', async t => {
  const oauthError = {
    error: 'invalid_grant',
    error_description: 'The provided authorization grant is invalid, expired or revoked.',
    error_hint: 'The authorization code has already been used.'
  }
  const upstream = await startUpstream((_req, res) => json(res, 400, oauthError, { 'cache-control': 'no-store' }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await oauth2.oauth2TokenExchange(client, { body: { grant_type: 'authorization_code', code: 'used' } })
    .then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  const upstreamError = err as OryUpstreamError
  t.equal(upstreamError.status, 400)
  t.equal(upstreamError.operationId, 'oauth2TokenExchange')
  t.equal(upstreamError.message, 'Ory answered oauth2TokenExchange with 400: invalid_grant: The provided authorization grant is invalid, expired or revoked.')
  t.same(upstreamError.body, oauthError, 'the body is passed through, error_hint included')
  t.equal(upstreamError.oryError, undefined, 'an OAuth2 error is not Ory\'s generic error object')
  t.equal(upstreamError.headers['cache-control'], 'no-store')
})

t.test('an OAuth2 error without a description gives its code alone', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 401, { error: 'invalid_client' }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const err = await oauth2.oauth2TokenExchange(client, { body: { grant_type: 'client_credentials' } })
    .then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUpstreamError)
  t.equal((err as OryUpstreamError).message, 'Ory answered oauth2TokenExchange with 401: invalid_client')
})
