import t from 'tap'
import { createOryClient, oauth2, operations } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('the token and revoke operations send every form field, the spec\'s and the others, to a provider\'s endpoints', async t => {
  const provider = await startUpstream((req, res) => {
    if (req.url === '/oauth/token') json(res, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 60 })
    else { res.writeHead(200); res.end() }
  })
  t.teardown(provider.close)
  const client = createOryClient({ url: 'http://127.0.0.1:9', retry: false })
  t.teardown(async () => await client.close())

  const body = { grant_type: 'authorization_code', code: 'c+/=', redirect_uri: 'https://app.example/cb?a=1&b=2', code_verifier: 'v'.repeat(43), client_id: 'app', client_secret: 's&=+ x' }
  // The spec's model of this body leaves out code_verifier and client_secret: the call takes any fields.
  const token = await client.call(operations.oauth2TokenExchange, { body }, { endpoint: `${provider.url}/oauth/token` })
  t.same(token.body, { access_token: 'at', token_type: 'Bearer', expires_in: 60 })
  await oauth2.revokeOAuth2Token(client, { body: { token: 'rt', client_id: 'app', client_secret: 's&=+ x', token_type_hint: 'refresh_token' } as never }, { endpoint: `${provider.url}/oauth/revoke?v=2` })

  const [exchange, revoke] = provider.requests
  t.equal(exchange?.url, '/oauth/token')
  t.equal(exchange?.headers['content-type'], 'application/x-www-form-urlencoded')
  t.same(Object.fromEntries(new URLSearchParams(exchange?.body)), body)
  t.equal(revoke?.url, '/oauth/revoke?v=2')
  t.equal(revoke?.headers['content-type'], 'application/x-www-form-urlencoded')
  t.same(Object.fromEntries(new URLSearchParams(revoke?.body)), { token: 'rt', client_id: 'app', client_secret: 's&=+ x', token_type_hint: 'refresh_token' })
})
