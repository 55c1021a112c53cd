import t from 'tap'
import type { Dispatcher } from 'undici'
import { createOryClient, frontend, oauth2, oidc, operations, OryArgumentError, identity } from '../../../src/ory/index.js'
import { buildRequest } from '../../../src/ory/request.js'

interface Sent { origin: string, path: string, method: string, headers: Record<string, string>, body: string | undefined }

/** A dispatcher that answers every request with `{}` at once and records what it was asked to send. */
function recorder (): { dispatcher: Dispatcher, sent: Sent[] } {
  const sent: Sent[] = []
  const dispatcher = {
    dispatch (opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      sent.push({
        origin: String(opts.origin),
        path: opts.path,
        method: opts.method,
        headers: opts.headers as Record<string, string>,
        body: opts.body as string | undefined
      })
      handler.onConnect?.(() => {})
      handler.onHeaders?.(200, [Buffer.from('content-type'), Buffer.from('application/json')], () => {}, 'OK')
      handler.onData?.(Buffer.from('{}'))
      handler.onComplete?.([])
      return true
    },
    close: async () => {},
    destroy: async () => {}
  } as unknown as Dispatcher
  return { dispatcher, sent }
}

t.test('buildRequest: an endpoint replaces the base path and the path template', async t => {
  const built = buildRequest(operations.discoverOidcConfiguration, {}, { basePath: '/ory', endpoint: new URL('https://idp.example/tenant/.well-known/openid-configuration') })
  t.equal(built.path, '/tenant/.well-known/openid-configuration')
})

t.test('buildRequest: the operation\'s query follows the endpoint\'s own', async t => {
  const op = operations.createBrowserLoginFlow
  t.equal(
    buildRequest(op, { return_to: 'https://app.example/?a=1&b=2', refresh: true }, { basePath: '', endpoint: new URL('https://idp.example/login?tenant=x%20y') }).path,
    '/login?tenant=x%20y&refresh=true&return_to=https%3A%2F%2Fapp.example%2F%3Fa%3D1%26b%3D2',
    'the endpoint\'s query is kept as written, then the operation\'s'
  )
  t.equal(buildRequest(op, { refresh: true }, { basePath: '', endpoint: new URL('https://idp.example/login') }).path, '/login?refresh=true')
  t.equal(buildRequest(op, {}, { basePath: '', endpoint: new URL('https://idp.example/login?x=1') }).path, '/login?x=1')
  t.equal(buildRequest(op, {}, { basePath: '', endpoint: new URL('https://idp.example') }).path, '/', 'an origin alone is its root')
})

t.test('buildRequest: fields the spec does not name are sent in a form body', async t => {
  const built = buildRequest(operations.oauth2TokenExchange, {
    body: { grant_type: 'authorization_code', code: 'c', redirect_uri: 'https://app.example/cb', code_verifier: 'v~._-', client_id: 'app', client_secret: 's p&c', scope: 'openid offline_access' }
  }, { basePath: '' })
  t.equal(built.headers['content-type'], 'application/x-www-form-urlencoded')
  t.same(Object.fromEntries(new URLSearchParams(built.body)), {
    grant_type: 'authorization_code', code: 'c', redirect_uri: 'https://app.example/cb', code_verifier: 'v~._-', client_id: 'app', client_secret: 's p&c', scope: 'openid offline_access'
  })
  const revoke = buildRequest(operations.revokeOAuth2Token, { body: { token: 'rt', token_type_hint: 'refresh_token', client_id: 'app', client_secret: 's' } }, { basePath: '' })
  t.equal(revoke.body, 'token=rt&token_type_hint=refresh_token&client_id=app&client_secret=s')
})

t.test('a call with an endpoint is sent to its origin and path', async t => {
  const { dispatcher, sent } = recorder()
  const client = createOryClient({ url: 'https://project.example/base', dispatcher, retry: false })
  t.teardown(async () => await client.close())
  await oidc.discoverOidcConfiguration(client, {}, { endpoint: 'https://idp.example/realms/a/.well-known/openid-configuration' })
  await oidc.discoverOidcConfiguration(client, {}, { endpoint: new URL('https://project.example/other/.well-known/openid-configuration') })
  await oidc.discoverOidcConfiguration(client)
  t.same(sent.map(({ origin, path }) => `${origin}${path}`), [
    'https://idp.example/realms/a/.well-known/openid-configuration',
    'https://project.example/other/.well-known/openid-configuration',
    'https://project.example/base/.well-known/openid-configuration'
  ], 'the injected dispatcher carries every origin; without an endpoint, the base path applies')
})

t.test('credentials of the call still go with an endpoint', async t => {
  const { dispatcher, sent } = recorder()
  const client = createOryClient({ url: 'https://project.example', apiKey: 'ory_pat_secret', dispatcher, retry: false })
  t.teardown(async () => await client.close())
  await oauth2.revokeOAuth2Token(client, { body: { token: 't' } }, { endpoint: 'https://idp.example/revoke', auth: { basic: { username: 'app', password: 's' } } })
  t.equal(sent[0]?.headers.authorization, `Basic ${Buffer.from('app:s').toString('base64')}`)
  await oidc.getOidcUserInfo(client, {}, { endpoint: 'https://idp.example/me', auth: { accessToken: 'at' } })
  t.equal(sent[1]?.headers.authorization, 'Bearer at', 'never the project API key')
})

t.test('an endpoint that is not an absolute http(s) URL without credentials, fragment or line break is refused', async t => {
  const { dispatcher, sent } = recorder()
  const client = createOryClient({ url: 'https://project.example', dispatcher, retry: false })
  t.teardown(async () => await client.close())
  const bad = [
    '/relative/path', 'not a url', 'ftp://idp.example/token', 'javascript:alert(1)', 'file:///etc/passwd',
    'https://user:pass@idp.example/token', 'https://user@idp.example/token', 'https://idp.example/token#frag', 'https://idp.example/token#',
    'https://idp.example/tok\nen', 'https://idp.example/token\r\nX-Evil: 1', 'https://idp.example/tok\ten', 'https://idp.example/\0'
  ]
  for (const endpoint of bad) {
    const err = await oidc.discoverOidcConfiguration(client, {}, { endpoint }).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof OryArgumentError, `${JSON.stringify(endpoint)} is refused`)
    t.equal((err as OryArgumentError).statusCode, 400)
  }
  t.equal(sent.length, 0, 'nothing was sent')
})

t.test('an operation with path parameters cannot take an endpoint', async t => {
  const { dispatcher, sent } = recorder()
  const client = createOryClient({ url: 'https://project.example', dispatcher, retry: false })
  t.teardown(async () => await client.close())
  await t.rejects(identity.getIdentity(client, { id: 'x' }, { endpoint: 'https://idp.example/identities/x' }), OryArgumentError)
  t.equal(sent.length, 0)
  await frontend.createBrowserLoginFlow(client, { refresh: true }, { endpoint: 'https://idp.example/login?tenant=a' })
  t.equal(sent[0]?.path, '/login?tenant=a&refresh=true', 'query parameters are fine')
})
