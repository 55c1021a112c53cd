import t from 'tap'
import { ConfigError, loadConfig } from '../../../src/config.js'

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
  [{ COOKIE_SECRET: 'too-short' }, 'COOKIE_SECRET', /must be at least 32 characters long$/],
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
  [{ OAUTH2_CLIENT_ID: 'bff', COOKIE_SECRET: 'x'.repeat(32) }, 'OAUTH2_CLIENT_SECRET', /is required when OAUTH2_CLIENT_ID is set/],
  [{ OAUTH2_CLIENT_ID: 'bff', OAUTH2_CLIENT_SECRET: 's' }, 'COOKIE_SECRET', /is required when OAUTH2_CLIENT_ID is set/],
  [{ OAUTH2_CLIENT_SECRET: 's' }, 'OAUTH2_CLIENT_SECRET', /is set but OAUTH2_CLIENT_ID is not/],
  [{ OAUTH2_CLIENT_ID: 'bad\u0007id' }, 'OAUTH2_CLIENT_ID', /printable ASCII/],
  [{ OAUTH2_SCOPES: 'openid "email"' }, 'OAUTH2_SCOPES', /scope tokens separated by spaces or commas/],
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
  for (const [name, value] of [['COOKIE_SECRET', 'short-but-secret'], ['ORY_API_KEY', 'ory pat secret'], ['OAUTH2_CLIENT_SECRET', 'bad\u0001secret']]) {
    const env: Record<string, string> = { ...BASE, [name!]: value! }
    if (name === 'OAUTH2_CLIENT_SECRET') Object.assign(env, { OAUTH2_CLIENT_ID: 'bff', COOKIE_SECRET: 'x'.repeat(32) })
    const err = t.throws(() => loadConfig(env)) as ConfigError
    t.equal(err.variable, name)
    t.notMatch(err.message, value!, `${name}'s value is not in the message`)
  }
})
