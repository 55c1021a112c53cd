import t from 'tap'
import { ConfigError, DEFAULT_OAUTH2_SCOPES, loadConfig } from '../../../src/config.js'

// The OAuth2, token-store and API-proxy variables: defaults, what they need together, and refusals that name the
// variable without quoting a secret.

const ORY = { ORY_URL: 'https://example.projects.oryapis.com', PUBLIC_URL: 'https://app.example.com' }
const SECRET = 's'.repeat(32)
const OAUTH2 = { ...ORY, OAUTH2_CLIENT_ID: 'bff', OAUTH2_CLIENT_SECRET: 'client-secret', COOKIE_SECRET: SECRET }

function refused (env: Record<string, string>): ConfigError {
  let caught: unknown
  try {
    loadConfig(env)
  } catch (err) {
    caught = err
  }
  if (!(caught instanceof ConfigError)) throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`)
  return caught
}

t.test('without OAUTH2_CLIENT_ID there is no OAuth2 client, and no token store is needed', async t => {
  const config = loadConfig(ORY)
  t.equal(config.oauth2, undefined)
  t.equal(config.tokenStore, 'cookie')
  t.same(config.cookieSecrets, [])
  t.same(config.apiRoutes, [])
})

t.test('the OAuth2 client\'s defaults come from PUBLIC_URL and ORY_URL', async t => {
  const config = loadConfig(OAUTH2)
  t.same(config.oauth2, {
    issuer: ORY.ORY_URL,
    clientId: 'bff',
    clientSecret: 'client-secret',
    scopes: DEFAULT_OAUTH2_SCOPES.split(' '),
    redirectUri: 'https://app.example.com/api/oauth2/callback',
    backchannelLogoutUri: 'https://app.example.com/api/oauth2/backchannel-logout',
    postLogoutRedirectUri: 'https://app.example.com/',
    refreshSkewSeconds: 30,
    userClaims: config.oauth2?.userClaims
  })
  t.ok(config.oauth2?.userClaims.includes('email'))
  t.notOk(config.warnings.some(warning => warning.includes('Secure')), 'https: no warning about cookies')
})

t.test('COOKIE_SECRET lists secrets for rotation, each long enough', async t => {
  const other = 't'.repeat(40)
  t.same(loadConfig({ ...OAUTH2, COOKIE_SECRET: `${other},${SECRET}` }).cookieSecrets, [other, SECRET])
  const short = refused({ ...OAUTH2, COOKIE_SECRET: 'short-secret' })
  t.equal(short.variable, 'COOKIE_SECRET')
  t.match(short.message, /at least 32 characters/)
  t.notMatch(short.message, 'short-secret', 'never quoted')
})

t.test('OAUTH2_CLIENT_ID needs a client secret and a cookie secret: never a default key', async t => {
  t.equal(refused({ ...ORY, OAUTH2_CLIENT_ID: 'bff', COOKIE_SECRET: SECRET }).variable, 'OAUTH2_CLIENT_SECRET')
  t.equal(refused({ ...ORY, OAUTH2_CLIENT_ID: 'bff', OAUTH2_CLIENT_SECRET: 'x' }).variable, 'COOKIE_SECRET')
  t.equal(refused({ ...ORY, OAUTH2_CLIENT_SECRET: 'x' }).variable, 'OAUTH2_CLIENT_SECRET', 'a secret without a client is a mistake')
})

t.test('OAUTH2_SCOPES must include openid; OAUTH2_ISSUER is a base URL', async t => {
  t.equal(refused({ ...OAUTH2, OAUTH2_SCOPES: 'email profile' }).variable, 'OAUTH2_SCOPES')
  t.equal(refused({ ...OAUTH2, OAUTH2_SCOPES: 'openid  email' }).variable, 'OAUTH2_SCOPES', 'single spaces (RFC 6749 §3.3)')
  t.equal(loadConfig({ ...OAUTH2, OAUTH2_ISSUER: 'https://auth.example.com/' }).oauth2?.issuer, 'https://auth.example.com')
  t.equal(refused({ ...OAUTH2, OAUTH2_ISSUER: 'ftp://auth.example.com' }).variable, 'OAUTH2_ISSUER')
})

t.test('plain http outside production: a warning that the cookies lose __Host- and Secure', async t => {
  const config = loadConfig({ ...OAUTH2, PUBLIC_URL: 'http://localhost:4000' })
  t.ok(config.warnings.some(warning => warning.includes('__Host-')))
})

t.test('TOKEN_STORE=redis needs REDIS_URL, which is never quoted', async t => {
  t.equal(refused({ ...OAUTH2, TOKEN_STORE: 'redis' }).variable, 'REDIS_URL')
  const bad = refused({ ...OAUTH2, TOKEN_STORE: 'redis', REDIS_URL: 'http://:hunter2@redis' })
  t.equal(bad.variable, 'REDIS_URL')
  t.notMatch(bad.message, 'hunter2')
  const config = loadConfig({ ...OAUTH2, TOKEN_STORE: 'REDIS', REDIS_URL: 'rediss://redis.internal:6380/1' })
  t.equal(config.tokenStore, 'redis')
  t.equal(config.redisUrl, 'rediss://redis.internal:6380/1')
  t.equal(refused({ ...OAUTH2, TOKEN_STORE: 'memcached' }).variable, 'TOKEN_STORE')
})

t.test('API_ROUTES: names, URLs, methods and token kinds', async t => {
  const routes = loadConfig({
    ...OAUTH2,
    API_ROUTES: JSON.stringify({
      orders: { url: 'https://orders.internal/v1/', methods: ['GET', 'POST'] },
      reports: { url: 'http://reports.internal', methods: ['GET'], token: 'session', tokenize_as: 'reports_jwt' }
    })
  }).apiRoutes
  t.same(routes, [
    { name: 'orders', url: 'https://orders.internal/v1', methods: ['GET', 'POST'], token: 'any', tokenizeAs: undefined },
    { name: 'reports', url: 'http://reports.internal', methods: ['GET'], token: 'session', tokenizeAs: 'reports_jwt' }
  ])
  const cases: Array<[unknown, RegExp]> = [
    ['not json', /must be JSON/],
    [[], /JSON object/],
    [{ 'Bad Name': { url: 'https://a.example', methods: ['GET'] } }, /route name/],
    [{ a: { url: 'https://a.example', methods: ['FETCH'] } }, /route a\/methods/],
    [{ a: { url: 'https://a.example', methods: [] } }, /route a\/methods/],
    [{ a: { url: 'https://a.example', methods: ['GET'], extra: 1 } }, /route a/],
    [{ a: { url: 'https://a.example?x=1', methods: ['GET'] } }, /query/],
    [{ a: { url: 'https://a.example', methods: ['GET'], token: 'session' } }, /tokenize_as/]
  ]
  for (const [value, message] of cases) {
    const err = refused({ ...OAUTH2, API_ROUTES: typeof value === 'string' ? value : JSON.stringify(value) })
    t.equal(err.variable.startsWith('API_ROUTES'), true, `${JSON.stringify(value)} names API_ROUTES`)
    t.match(err.message, message)
  }
  const oauth2Only = refused({ ...ORY, API_ROUTES: JSON.stringify({ a: { url: 'https://a.example', methods: ['GET'], token: 'oauth2' } }) })
  t.match(oauth2Only.message, /OAUTH2_CLIENT_ID/)
})
