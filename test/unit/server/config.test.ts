import t from 'tap'
import { ConfigError, DEFAULT_CONSOLE_URL, DEFAULT_ORY_COOKIE_PATTERN, DEFAULT_STATIC_CSP, FILE_VARIABLES, loadConfig } from '../../../src/config.js'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

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
  t.equal(config.shutdownDelayMs, 5_000)
  t.equal(config.requestTimeoutMs, 30_000)
  t.equal(config.jsonMaxDepth, 64)
  t.equal(config.sessionCacheTtlMs, 5_000)
  t.equal(config.sessionCacheMax, 10_000)
  t.equal(config.sessionCacheMaxBytes, 64 * 1024 * 1024)
  t.equal(config.bodyLimitBytes, 1_048_576)
  t.equal(config.readyProbeIntervalMs, 5_000)
  t.same(config.loadShedding, { maxEventLoopDelayMs: 1_000, maxHeapUsedBytes: undefined })
  t.equal(config.oryApiKey, undefined)
  t.equal(config.staticDir, undefined)
  t.equal(config.staticCsp, DEFAULT_STATIC_CSP)
  t.match(config.staticCsp, /(^|; )style-src 'self' 'unsafe-inline'(;|$)/, 'inline styles, for Ory Elements')
  t.match(config.staticCsp, /(^|; )script-src 'self'(;|$)/, 'but no inline script')
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
    COOKIE_DOMAIN: '.example.com',
    ALLOWED_RETURN_URLS: 'https://app.example.com/, https://admin.example.com/welcome ,',
    TRUST_PROXY: '10.0.0.0/8,loopback, 2001:db8::/32',
    LOG_LEVEL: 'DEBUG',
    UPSTREAM_TIMEOUT_MS: '2500',
    SHUTDOWN_GRACE_MS: '0',
    SHUTDOWN_DELAY_MS: '0',
    REQUEST_TIMEOUT_MS: '1000',
    JSON_MAX_DEPTH: '8',
    SESSION_CACHE_TTL_MS: '0',
    SESSION_CACHE_MAX: '50',
    SESSION_CACHE_MAX_BYTES: '4096',
    STATIC_DIR: '.',
    STATIC_CSP: "  default-src 'self'; style-src 'self'; frame-ancestors 'none';  ",
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
  t.equal(config.cookieDomain, 'example.com')
  t.same(config.allowedReturnUrls, ['https://app.example.com/', 'https://admin.example.com/welcome'])
  t.same(config.trustProxy, ['10.0.0.0/8', 'loopback', '2001:db8::/32'])
  t.equal(config.logLevel, 'debug')
  t.equal(config.upstreamTimeoutMs, 2500)
  t.equal(config.shutdownGraceMs, 0)
  t.equal(config.shutdownDelayMs, 0)
  t.equal(config.requestTimeoutMs, 1000)
  t.equal(config.jsonMaxDepth, 8)
  t.equal(config.sessionCacheTtlMs, 0)
  t.equal(config.sessionCacheMax, 50)
  t.equal(config.sessionCacheMaxBytes, 4096)
  t.equal(config.staticDir, process.cwd())
  t.equal(config.staticCsp, "default-src 'self'; style-src 'self'; frame-ancestors 'none';", 'as given, trimmed')
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
  const config = loadConfig({ ORY_URL: 'http://127.0.0.1:1', PORT: '', ORY_API_KEY: '', LOG_LEVEL: '' })
  t.equal(config.port, 4000)
  t.equal(config.oryApiKey, undefined)
  t.equal(config.logLevel, 'info')
})

t.test('PUBLIC_URL defaults to localhost on the configured port', async t => {
  t.equal(loadConfig({ ORY_URL: 'http://127.0.0.1:1', PORT: '5173' }).publicUrl, 'http://localhost:5173')
})

const BASE = { ORY_URL: 'https://example.projects.oryapis.com' }

// [variables to set, the variable the error must name, what the message must say]
const CASES: Array<[Record<string, string>, string, RegExp]> = [
  [{ PORT: '70000' }, 'PORT', /must be a port number from 0 to 65535.*got "70000"/],
  [{ PORT: '-1' }, 'PORT', /must be a port number/],
  [{ PORT: 'http' }, 'PORT', /must be a port number/],
  [{ PORT: '1e3' }, 'PORT', /must be a port number/],
  [{ PORT: '80.5' }, 'PORT', /must be a port number/],
  [{ HOST: 'not a host' }, 'HOST', /must be a host name or an IP address/],
  [{ ORY_URL: 'example.com' }, 'ORY_URL', /must be an absolute http\(s\) URL, got "example.com"/],
  [{ ORY_URL: 'ftp://example.com' }, 'ORY_URL', /must be an http or https URL/],
  [{ ORY_URL: 'https://user:pw@example.com' }, 'ORY_URL', /must not contain a user name or password/],
  [{ ORY_URL: 'https://example.com/?x=1' }, 'ORY_URL', /must not have a query or a fragment/],
  [{ ORY_CONSOLE_URL: 'nope' }, 'ORY_CONSOLE_URL', /must be an absolute http\(s\) URL/],
  [{ ORY_API_KEY: 'has space' }, 'ORY_API_KEY', /must be an API key of printable characters without spaces$/],
  [{ ORY_WORKSPACE_API_KEY: 'tab\there' }, 'ORY_WORKSPACE_API_KEY', /without spaces$/],
  [{ PUBLIC_URL: 'app.example.com' }, 'PUBLIC_URL', /must be an absolute http\(s\) URL/],
  [{ PUBLIC_URL: 'https://app.example.com/spa' }, 'PUBLIC_URL', /must be an origin .* without a path/],
  [{ ORY_PATH_PREFIX: 'ory' }, 'ORY_PATH_PREFIX', /must be a path such as \/.ory/],
  [{ ORY_PATH_PREFIX: '/.ory/' }, 'ORY_PATH_PREFIX', /no trailing slash/],
  [{ ORY_PATH_PREFIX: '/a/../b' }, 'ORY_PATH_PREFIX', /must not contain "\." or "\.\." segments/],
  [{ ORY_PATH_PREFIX: '/api/ory' }, 'ORY_PATH_PREFIX', /must not be \/api or below it/],
  [{ ORY_PATH_PREFIX: '/health' }, 'ORY_PATH_PREFIX', /must not be \/health/],
  [{ COOKIE_DOMAIN: 'exa mple.com' }, 'COOKIE_DOMAIN', /must be a domain name/],
  [{ COOKIE_DOMAIN: 'other.com', PUBLIC_URL: 'https://app.example.com' }, 'COOKIE_DOMAIN', /must be PUBLIC_URL's host \(app.example.com\) or a parent domain/],
  [{ ALLOWED_RETURN_URLS: 'https://ok.example.com,/relative' }, 'ALLOWED_RETURN_URLS', /must be an absolute http\(s\) URL, got "\/relative"/],
  [{ ALLOWED_RETURN_URLS: ' , ' }, 'ALLOWED_RETURN_URLS', /must list at least one/],
  [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY', /"yes" is none of these/],
  [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY', /"10.0.0.0\/33" is none of these/],
  [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', /must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/],
  [{ UPSTREAM_TIMEOUT_MS: '0' }, 'UPSTREAM_TIMEOUT_MS', /from 1 to 600000/],
  [{ SHUTDOWN_GRACE_MS: 'ten' }, 'SHUTDOWN_GRACE_MS', /must be an integer number of milliseconds/],
  [{ SESSION_CACHE_TTL_MS: '-5' }, 'SESSION_CACHE_TTL_MS', /must be an integer/],
  [{ SESSION_CACHE_MAX: '1.5' }, 'SESSION_CACHE_MAX', /must be an integer number of entries/],
  [{ STATIC_DIR: '/definitely/not/here' }, 'STATIC_DIR', /must be an existing directory/],
  [{ STATIC_DIR: 'package.json' }, 'STATIC_DIR', /must be an existing directory/],
  [{ STATIC_CSP: '   ' }, 'STATIC_CSP', /must be a Content-Security-Policy of printable ASCII characters on one line, got " {3}"/],
  [{ STATIC_CSP: "default-src 'self';\nscript-src 'self'" }, 'STATIC_CSP', /must be a Content-Security-Policy of printable ASCII characters on one line, got "default-src 'self';\\nscript-src 'self'"/],
  [{ STATIC_CSP: "default-src 'self'\r\nX-Injected: 1" }, 'STATIC_CSP', /on one line/],
  [{ STATIC_CSP: "default-src\t'self'" }, 'STATIC_CSP', /on one line/],
  [{ STATIC_CSP: "default-src 'self'\u0000" }, 'STATIC_CSP', /on one line/],
  [{ STATIC_CSP: "img-src 'self' https://bild.example/\u00e9" }, 'STATIC_CSP', /printable ASCII/],
  [{ STATIC_CSP: "Content-Security-Policy: default-src 'self'" }, 'STATIC_CSP', /directives separated by ";"; "Content-Security-Policy:" is not a directive name/],
  [{ STATIC_CSP: "'self' 'unsafe-inline'" }, 'STATIC_CSP', /"'self'" is not a directive name/],
  [{ BODY_LIMIT_BYTES: '10' }, 'BODY_LIMIT_BYTES', /from 1024 to 104857600/],
  [{ READY_PROBE_INTERVAL_MS: '5' }, 'READY_PROBE_INTERVAL_MS', /from 100 to 300000/],
  [{ LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: 'x' }, 'LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS', /must be an integer/],
  [{ LOAD_SHED_MAX_HEAP_USED_MB: '-1' }, 'LOAD_SHED_MAX_HEAP_USED_MB', /must be an integer number of megabytes/]
]

for (const [env, variable, message] of CASES) {
  t.test(`${variable}=${JSON.stringify(Object.values(env).at(-1))} is refused with one line naming ${variable}`, async t => {
    const err = t.throws(() => loadConfig({ ...BASE, ...env })) as unknown
    t.ok(err instanceof ConfigError, 'a ConfigError')
    const configError = err as ConfigError
    t.equal(configError.variable, variable)
    t.ok(configError.message.startsWith(`${variable}: `), 'the message starts with the variable')
    t.match(configError.message, message)
    t.notMatch(configError.message, /\n/, 'one line')
  })
}

t.test('a secret that is refused is never quoted in the message', async t => {
  for (const [name, value] of [['ORY_API_KEY', 'ory pat secret'], ['ORY_WORKSPACE_API_KEY', 'bad\u0001secret']]) {
    const env: Record<string, string> = { ...BASE, [name!]: value! }
    const err = t.throws(() => loadConfig(env)) as ConfigError
    t.equal(err.variable, name)
    t.notMatch(err.message, value!, `${name}'s value is not in the message`)
  }
})

const SECRET_BASE = { ORY_URL: 'https://example.projects.oryapis.com' }

t.test('secrets are read from *_FILE variables, without the trailing newline', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-secrets-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const values: Record<string, string> = {
    ORY_API_KEY: 'ory_pat_from_file',
    ORY_WORKSPACE_API_KEY: 'ory_wak_from_file',
    COOKIE_SECRET: 'c'.repeat(40),
    OAUTH2_CLIENT_SECRET: 'client secret from a file',
    REDIS_URL: 'redis://:pass@127.0.0.1:6379/0',
    API_ROUTES: '{"orders": {"url": "http://orders.internal/v1", "methods": ["GET"], "token": "oauth2"}}',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=from-a-file'
  }
  const env: Record<string, string> = { ...SECRET_BASE, OAUTH2_CLIENT_ID: 'bff', TOKEN_STORE: 'redis', OTEL_TRACES_EXPORTER: 'otlp' }
  for (const name of FILE_VARIABLES) {
    const path = join(dir, name)
    await writeFile(path, `${values[name]!}\n`)
    env[`${name}_FILE`] = path
  }
  const config = loadConfig(env)
  t.equal(config.oryApiKey, values.ORY_API_KEY)
  t.equal(config.oryWorkspaceApiKey, values.ORY_WORKSPACE_API_KEY)
  t.same(config.cookieSecrets, [values.COOKIE_SECRET])
  t.equal(config.oauth2?.clientSecret, values.OAUTH2_CLIENT_SECRET)
  t.equal(config.redisUrl, values.REDIS_URL)
  t.equal(config.apiRoutes[0]?.name, 'orders')
  t.same(config.telemetry?.headers, { 'x-api-key': 'from-a-file' })
})

t.test('a variable and its _FILE together are refused', async t => {
  const err = t.throws(() => loadConfig({ ...SECRET_BASE, ORY_API_KEY: 'a', ORY_API_KEY_FILE: '/etc/hostname' })) as ConfigError
  t.ok(err instanceof ConfigError)
  t.equal(err.variable, 'ORY_API_KEY_FILE')
  t.match(err.message, /is set together with ORY_API_KEY; set only one of them/)
})

t.test('an unreadable or empty secret file is refused, naming the _FILE variable', async t => {
  const missing = t.throws(() => loadConfig({ ...SECRET_BASE, ORY_API_KEY_FILE: '/no/such/secret' })) as ConfigError
  t.equal(missing.variable, 'ORY_API_KEY_FILE')
  t.match(missing.message, /cannot read \/no\/such\/secret \(ENOENT\)/)

  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-secrets-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const empty = join(dir, 'empty')
  await writeFile(empty, '\n')
  const err = t.throws(() => loadConfig({ ...SECRET_BASE, ORY_API_KEY_FILE: empty })) as ConfigError
  t.equal(err.variable, 'ORY_API_KEY_FILE')
  t.match(err.message, /is empty/)
})

t.test('a bad value read from a file is reported against the _FILE variable, without the value', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-secrets-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'spaced')
  await writeFile(path, 'ory pat with spaces')
  const err = t.throws(() => loadConfig({ ...SECRET_BASE, ORY_API_KEY_FILE: path })) as ConfigError
  t.equal(err.variable, 'ORY_API_KEY_FILE')
  t.match(err.message, /must be an API key of printable characters without spaces/)
  t.notMatch(err.message, 'with spaces')
})

const base = { ORY_URL: 'https://example.projects.oryapis.com' }

t.test('defaults of the mirror\'s variables', async t => {
  const config = loadConfig(base)
  t.same(config.oryCookiePattern, DEFAULT_ORY_COOKIE_PATTERN.split(','))
  t.same(config.oryCookiePattern, ['ory_session_*', 'ory_kratos_session', 'ory_kratos_continuity', 'csrf_token_*', 'ory_hydra_*'])
  t.same(config.oryCustomDomains, [])
  t.equal(config.mirrorMaxBufferBytes, 2_097_152)
  t.equal(config.hydraPublicPaths, false)
})

t.test('values are read into their typed form', async t => {
  const config = loadConfig({
    ...base,
    ORY_COOKIE_PATTERN: ' ory_kratos_session , my_ory_* ,',
    ORY_CUSTOM_DOMAINS: 'https://auth.example.com/, https://login.example.com',
    MIRROR_MAX_BUFFER_BYTES: '65536',
    HYDRA_PUBLIC_PATHS: 'TRUE'
  })
  t.same(config.oryCookiePattern, ['ory_kratos_session', 'my_ory_*'])
  t.same(config.oryCustomDomains, ['https://auth.example.com', 'https://login.example.com'])
  t.equal(config.mirrorMaxBufferBytes, 65_536)
  t.equal(config.hydraPublicPaths, true)
})

t.test('bad values name the variable', async t => {
  const bad: Array<[Record<string, string>, string, RegExp]> = [
    [{ ORY_COOKIE_PATTERN: 'ory_*,bad name' }, 'ORY_COOKIE_PATTERN', /"bad name" is not/],
    [{ ORY_COOKIE_PATTERN: 'a*b' }, 'ORY_COOKIE_PATTERN', /"a\*b" is not/],
    [{ ORY_COOKIE_PATTERN: ',' }, 'ORY_COOKIE_PATTERN', /at least one cookie/],
    [{ ORY_CUSTOM_DOMAINS: 'auth.example.com' }, 'ORY_CUSTOM_DOMAINS', /absolute http\(s\) URL/],
    [{ ORY_CUSTOM_DOMAINS: 'https://auth.example.com/path' }, 'ORY_CUSTOM_DOMAINS', /origin/],
    [{ MIRROR_MAX_BUFFER_BYTES: '10' }, 'MIRROR_MAX_BUFFER_BYTES', /from 1024/],
    [{ HYDRA_PUBLIC_PATHS: 'yes' }, 'HYDRA_PUBLIC_PATHS', /true or false/]
  ]
  for (const [env, variable, message] of bad) {
    const err = (() => { try { loadConfig({ ...base, ...env }) } catch (e) { return e } })()
    t.ok(err instanceof ConfigError, JSON.stringify(env))
    t.equal((err as ConfigError).variable, variable)
    t.match((err as ConfigError).message, message)
  }
})

t.test('ERROR_UI_URL: <PUBLIC_URL>/error by default, an absolute URL, or a path on PUBLIC_URL', async t => {
  t.equal(loadConfig({ ...base, PUBLIC_URL: 'https://app.example.com' }).errorUiUrl, 'https://app.example.com/error')
  t.equal(loadConfig({ ...base, PUBLIC_URL: 'https://app.example.com', ERROR_UI_URL: '/oops?lang=en' }).errorUiUrl, 'https://app.example.com/oops?lang=en')
  t.equal(loadConfig({ ...base, ERROR_UI_URL: 'https://ui.example.com/error' }).errorUiUrl, 'https://ui.example.com/error')
  for (const value of ['error', '//evil.example/error', '/\\evil.example/error', 'javascript:alert(1)', 'https://ui.example.com/#/error', '/#/error', 'https://user:pw@ui.example.com/']) {
    const err = (() => { try { loadConfig({ ...base, ERROR_UI_URL: value }) } catch (e) { return e } })()
    t.ok(err instanceof ConfigError, value)
    t.equal((err as ConfigError).variable, 'ERROR_UI_URL', value)
  }
})

const LOCAL_BASE = { ORY_URL: 'http://127.0.0.1:9' }

t.test('the permission settings have their defaults: no cache, 10000 entries, batches of 10', async t => {
  const config = loadConfig(LOCAL_BASE)
  t.equal(config.permissionCacheTtlMs, 0)
  t.equal(config.permissionCacheMax, 10_000)
  t.equal(config.permissionBatchMax, 10)
})

t.test('the permission settings are read from the environment', async t => {
  const config = loadConfig({ ...LOCAL_BASE, PERMISSION_CACHE_TTL_MS: '2000', PERMISSION_CACHE_MAX: '50', PERMISSION_BATCH_MAX: '25' })
  t.equal(config.permissionCacheTtlMs, 2_000)
  t.equal(config.permissionCacheMax, 50)
  t.equal(config.permissionBatchMax, 25)
})

t.test('invalid permission settings stop the start with a line naming the variable', async t => {
  const cases: Array<[string, string, RegExp]> = [
    ['PERMISSION_CACHE_TTL_MS', '-1', /PERMISSION_CACHE_TTL_MS: must be an integer number of milliseconds from 0 \(no cache\)/],
    ['PERMISSION_CACHE_TTL_MS', '1e3', /PERMISSION_CACHE_TTL_MS: must be/],
    ['PERMISSION_CACHE_MAX', 'many', /PERMISSION_CACHE_MAX: must be an integer number of entries/],
    ['PERMISSION_BATCH_MAX', '0', /PERMISSION_BATCH_MAX: must be an integer number of tuples from 1 to 1000, got "0"/],
    ['PERMISSION_BATCH_MAX', '1001', /PERMISSION_BATCH_MAX: must be/]
  ]
  for (const [name, value, message] of cases) {
    t.throws(() => loadConfig({ ...LOCAL_BASE, [name]: value }), message, `${name}=${value}`)
    t.throws(() => loadConfig({ ...LOCAL_BASE, [name]: value }), ConfigError)
  }
})
