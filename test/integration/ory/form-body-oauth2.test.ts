import t from 'tap'
import { createOryClient, oauth2 } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

t.test('oauth2TokenExchange sends its body as application/x-www-form-urlencoded', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { access_token: 'at', token_type: 'bearer', expires_in: 3600 }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  const result = await oauth2.oauth2TokenExchange(client, {
    body: { grant_type: 'authorization_code', code: 'c0de+/=', redirect_uri: 'https://app.example/cb?x=1&y=2', client_id: 'app' }
  })
  t.equal(result.status, 200)
  const request = upstream.requests[0]!
  t.equal(request.method, 'POST')
  t.equal(request.url, '/oauth2/token')
  t.equal(request.headers['content-type'], 'application/x-www-form-urlencoded')
  t.same(Object.fromEntries(new URLSearchParams(request.body)), {
    grant_type: 'authorization_code',
    code: 'c0de+/=',
    redirect_uri: 'https://app.example/cb?x=1&y=2',
    client_id: 'app'
  }, 'reserved characters survive the round trip')
  t.notOk(request.body.startsWith('{'), 'not JSON')
})

t.test('introspectOAuth2Token sends its body as a form too', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { active: true }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_x', retry: false })
  t.teardown(async () => await client.close())

  const result = await oauth2.introspectOAuth2Token(client, { body: { token: 'the token', scope: 'openid offline' } })
  t.same(result.body, { active: true })
  const request = upstream.requests[0]!
  t.equal(request.url, '/admin/oauth2/introspect')
  t.equal(request.headers['content-type'], 'application/x-www-form-urlencoded')
  t.equal(request.body, 'token=the+token&scope=openid+offline')
  t.equal(request.headers['content-length'], String(Buffer.byteLength(request.body)))
})

t.test('asking for a JSON body does not override a form-only operation', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { active: false }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await oauth2.introspectOAuth2Token(client, { body: { token: 't' } }, { bodyType: 'json' })
  t.equal(upstream.requests[0]?.headers['content-type'], 'application/x-www-form-urlencoded')
  t.equal(upstream.requests[0]?.body, 'token=t')
})
