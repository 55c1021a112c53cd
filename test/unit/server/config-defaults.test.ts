import t from 'tap'
import { DEFAULT_CONSOLE_URL, loadConfig } from '../../../src/config.js'

t.test('an environment with only ORY_URL gives the documented defaults', async t => {
  const config = loadConfig({ ORY_URL: 'https://example.projects.oryapis.com/' })
  t.equal(config.port, 4000)
  t.equal(config.host, '0.0.0.0')
  t.equal(config.oryUrl, 'https://example.projects.oryapis.com', 'the trailing slash is dropped')
  t.equal(config.oryUrlSource, 'env')
  t.equal(config.oryConsoleUrl, DEFAULT_CONSOLE_URL)
  t.equal(config.publicUrl, 'http://localhost:4000')
  t.equal(config.oryPathPrefix, '/.ory')
  t.same(config.allowedReturnUrls, ['http://localhost:4000'], 'return URLs default to the public URL')
  t.equal(config.trustProxy, false)
  t.equal(config.logLevel, 'info')
  t.equal(config.upstreamTimeoutMs, 10_000)
  t.equal(config.shutdownGraceMs, 10_000)
  t.equal(config.sessionCacheTtlMs, 5_000)
  t.equal(config.sessionCacheMax, 10_000)
  t.equal(config.bodyLimitBytes, 1_048_576)
  t.equal(config.readyProbeIntervalMs, 5_000)
  t.same(config.loadShedding, { maxEventLoopDelayMs: 1_000, maxHeapUsedBytes: undefined })
  t.equal(config.oryApiKey, undefined)
  t.equal(config.cookieSecret, undefined)
  t.equal(config.staticDir, undefined)
  t.equal(config.oauth2, undefined)
  t.same(config.warnings, [])
  t.equal(config.production, false)
})

t.test('every variable is parsed into its typed form', async t => {
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '8080',
    HOST: '::',
    ORY_URL: 'http://kratos:4433',
    ORY_API_KEY: 'ory_pat_abc',
    ORY_CONSOLE_URL: 'https://console.example.com/api/',
    ORY_WORKSPACE_API_KEY: 'ory_wak_abc',
    PUBLIC_URL: 'https://app.example.com',
    ORY_PATH_PREFIX: '/auth/ory',
    COOKIE_SECRET: 'x'.repeat(32),
    COOKIE_DOMAIN: '.example.com',
    ALLOWED_RETURN_URLS: 'https://app.example.com/, https://admin.example.com/welcome ,',
    TRUST_PROXY: '10.0.0.0/8,loopback, 2001:db8::/32',
    LOG_LEVEL: 'DEBUG',
    UPSTREAM_TIMEOUT_MS: '2500',
    SHUTDOWN_GRACE_MS: '0',
    SESSION_CACHE_TTL_MS: '0',
    SESSION_CACHE_MAX: '50',
    STATIC_DIR: '.',
    OAUTH2_CLIENT_ID: 'bff',
    OAUTH2_CLIENT_SECRET: 'client secret',
    OAUTH2_SCOPES: 'openid,email  profile',
    BODY_LIMIT_BYTES: '2048',
    READY_PROBE_INTERVAL_MS: '1000',
    LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0',
    LOAD_SHED_MAX_HEAP_USED_MB: '256'
  })
  t.equal(config.production, true)
  t.equal(config.port, 8080)
  t.equal(config.host, '::')
  t.equal(config.oryUrl, 'http://kratos:4433')
  t.equal(config.oryApiKey, 'ory_pat_abc')
  t.equal(config.oryConsoleUrl, 'https://console.example.com/api')
  t.equal(config.oryWorkspaceApiKey, 'ory_wak_abc')
  t.equal(config.publicUrl, 'https://app.example.com')
  t.equal(config.oryPathPrefix, '/auth/ory')
  t.equal(config.cookieSecret, 'x'.repeat(32))
  t.equal(config.cookieDomain, 'example.com')
  t.same(config.allowedReturnUrls, ['https://app.example.com/', 'https://admin.example.com/welcome'])
  t.same(config.trustProxy, ['10.0.0.0/8', 'loopback', '2001:db8::/32'])
  t.equal(config.logLevel, 'debug')
  t.equal(config.upstreamTimeoutMs, 2500)
  t.equal(config.shutdownGraceMs, 0)
  t.equal(config.sessionCacheTtlMs, 0)
  t.equal(config.sessionCacheMax, 50)
  t.equal(config.staticDir, process.cwd())
  t.same(config.oauth2, { clientId: 'bff', clientSecret: 'client secret', scopes: ['openid', 'email', 'profile'] })
  t.equal(config.bodyLimitBytes, 2048)
  t.equal(config.readyProbeIntervalMs, 1000)
  t.same(config.loadShedding, { maxEventLoopDelayMs: 0, maxHeapUsedBytes: 256 * 1024 * 1024 })
})

t.test('TRUST_PROXY takes true, false and a hop count', async t => {
  t.equal(loadConfig({ ORY_URL: 'http://127.0.0.1:1', TRUST_PROXY: 'true' }).trustProxy, true)
  t.equal(loadConfig({ ORY_URL: 'http://127.0.0.1:1', TRUST_PROXY: 'FALSE' }).trustProxy, false)
  t.equal(loadConfig({ ORY_URL: 'http://127.0.0.1:1', TRUST_PROXY: '2' }).trustProxy, 2)
})

t.test('an empty variable counts as unset', async t => {
  const config = loadConfig({ ORY_URL: 'http://127.0.0.1:1', PORT: '', COOKIE_SECRET: '', LOG_LEVEL: '' })
  t.equal(config.port, 4000)
  t.equal(config.cookieSecret, undefined)
  t.equal(config.logLevel, 'info')
})

t.test('PUBLIC_URL defaults to localhost on the configured port', async t => {
  t.equal(loadConfig({ ORY_URL: 'http://127.0.0.1:1', PORT: '5173' }).publicUrl, 'http://localhost:5173')
})
