import t, { type Test } from 'tap'
import { CLIENTS, TEST_ACCOUNT, type OidcProviderOptions } from '../../helpers/oidc-provider.js'
import { COOKIE_SECRET, SPA_FETCH } from '../../helpers/oauth2.js'
import { signIn, startOidcBff, type OidcBff } from '../../helpers/oauth2-oidc-provider.js'

// Refresh against oidc-provider: once the BFF's clock is past the access token's expiry, the next call refreshes it
// once, the new access token works at the provider's userinfo (reached through the API proxy), and the calls after
// it use the new token without another refresh. A provider that takes only client_secret_post gets it, at login and
// at refresh.

const ACCESS_TOKEN_TTL = 60

const tokenRequests = (bff: OidcBff): number => bff.op.requests.filter(request => request.method === 'POST' && request.url === '/token').length

async function refreshOnce (t: Test, bff: OidcBff, advance: (ms: number) => void): Promise<void> {
  const { app } = bff
  const cookie = await signIn(bff)
  t.equal(tokenRequests(bff), 1, 'the code exchange')
  const user = async (): Promise<Awaited<ReturnType<typeof app.inject>>> => await app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })
  const before = (await user()).json()
  t.equal(tokenRequests(bff), 1, 'a fresh token is not refreshed')

  advance((ACCESS_TOKEN_TTL + 30) * 1000)
  const refreshed = await user()
  t.equal(refreshed.statusCode, 200, 'past the expiry: 200')
  t.equal(tokenRequests(bff), 2, 'after exactly one refresh')
  t.equal(refreshed.json().sub, TEST_ACCOUNT.sub)
  t.ok(Date.parse(refreshed.json().access_token_expires_at) > Date.parse(before.access_token_expires_at), 'with a new access token')
  const next = refreshed.headers['set-cookie'] === undefined ? cookie : (Array.isArray(refreshed.headers['set-cookie']) ? refreshed.headers['set-cookie'] : [refreshed.headers['set-cookie']]).map(line => line.split(';', 1)[0]).join('; ')

  const userinfo = await app.inject({ method: 'GET', url: '/api/proxy/op/me', headers: { cookie: next, ...SPA_FETCH } })
  t.equal(userinfo.statusCode, 200, 'the new access token works at the provider\'s userinfo')
  t.equal(userinfo.json().sub, TEST_ACCOUNT.sub)
  t.equal((await app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: next, ...SPA_FETCH } })).statusCode, 200)
  t.equal(tokenRequests(bff), 2, 'and no other refresh')

  const logs = bff.logs.text()
  t.notOk(/eyJ[\w-]+\.eyJ/.test(logs), 'no token in the logs')
  t.notOk(logs.includes(COOKIE_SECRET))
}

const CASES: Array<{ name: string, client: { clientId: string, clientSecret: string }, provider: OidcProviderOptions }> = [
  { name: 'client_secret_basic', client: CLIENTS.basic, provider: {} },
  { name: 'client_secret_post, the only method the provider takes', client: CLIENTS.post, provider: { clientAuthMethods: ['client_secret_post'] } }
]

for (const { name, client, provider } of CASES) {
  t.test(`an expired access token is refreshed once (${name})`, async t => {
    let offset = 0
    const bff = await startOidcBff(t, {
      client,
      provider: { accessTokenTtl: ACCESS_TOKEN_TTL, ...provider },
      env: op => ({ API_ROUTES: JSON.stringify({ op: { url: op.issuer, methods: ['GET'], token: 'oauth2' } }) }),
      now: () => Date.now() + offset
    })
    await refreshOnce(t, bff, ms => { offset += ms })
  })
}
