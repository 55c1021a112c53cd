import t from 'tap'
import { createOryClient, oauth2 } from '../../../src/ory/index.js'
import { json, startUpstream } from '../../helpers/upstream.js'

/** Decodes Basic credentials the way RFC 6749 §2.3.1 says a server must: split, then form-decode each half. */
function decodeBasic (header: string | undefined): { username: string, password: string, raw: string } {
  const raw = Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString('utf8')
  const [id = '', secret = ''] = raw.split(':')
  const decode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '))
  return { username: decode(id), password: decode(secret), raw }
}

t.test('oauth2TokenExchange sends the client id and secret as Basic auth, each form-encoded first', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, { access_token: 'at' }))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  const basic = { username: 'my client:1', password: 's3cr:t/+ é&' }
  await oauth2.oauth2TokenExchange(client, { body: { grant_type: 'client_credentials' } }, { auth: { basic } })
  const header = upstream.requests[0]?.headers.authorization
  t.match(header, /^Basic [A-Za-z0-9+/]+=*$/)
  const decoded = decodeBasic(header)
  t.equal(decoded.raw.split(':').length, 2, 'the colons of id and secret are encoded, so the split is unambiguous')
  t.equal(decoded.raw, 'my+client%3A1:s3cr%3At%2F%2B+%C3%A9%26')
  t.same({ username: decoded.username, password: decoded.password }, basic)
  t.notMatch(header, /ory_pat_project/, 'the project key is not what authenticates the client')
})

t.test('revokeOAuth2Token sends Basic auth too', async t => {
  const upstream = await startUpstream((_req, res) => { res.writeHead(200); res.end() })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, retry: false })
  t.teardown(async () => await client.close())

  await oauth2.revokeOAuth2Token(client, { body: { token: 'rt' } }, { auth: { basic: { username: 'app', password: 'secret' } } })
  const request = upstream.requests[0]!
  t.equal(request.url, '/oauth2/revoke')
  t.equal(request.headers.authorization, `Basic ${Buffer.from('app:secret').toString('base64')}`)
  t.equal(request.body, 'token=rt')
})

t.test('without credentials no Authorization header is sent', async t => {
  const upstream = await startUpstream((_req, res) => json(res, 200, {}))
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, apiKey: 'ory_pat_project', retry: false })
  t.teardown(async () => await client.close())

  await oauth2.oauth2TokenExchange(client, { body: { grant_type: 'authorization_code', code: 'c', client_id: 'public-app' } })
  t.equal(upstream.requests[0]?.headers.authorization, undefined)
})
