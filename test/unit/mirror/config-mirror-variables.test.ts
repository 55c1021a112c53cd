import t from 'tap'
import { ConfigError, DEFAULT_ORY_COOKIE_PATTERN, loadConfig } from '../../../src/config.js'

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
