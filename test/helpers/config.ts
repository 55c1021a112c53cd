// Tests come in three tiers, one folder each, and `npm test` runs all of them in one tap run with coverage:
// - test/unit/<area>: pure modules. Nothing listens, no app is built, nothing is spawned (ESLint refuses the imports
//   that would); `npm run test:unit` stays well under a minute. Pure functions are grouped, one file per module.
// - test/integration/<area>: the app through app.inject, real upstreams on 127.0.0.1:0, the emulator in-process;
//   one behaviour per file. `npm run test:integration`.
// - test/e2e/<area>: spawned server processes (the image's start command among them), Prism, headless Chromium.
//   `npm run test:e2e`.
// A test goes in the lowest tier that can show its behaviour; helpers live here in test/helpers, fixtures in
// test/fixtures. This module is the one place a test's configuration comes from.
import { fileURLToPath } from 'node:url'
import { ConfigError, loadConfig, type Config } from '../../src/config.js'

/** The repository's root directory, with a trailing slash. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))

/** The origin the browser sees unless a test says otherwise. */
export const PUBLIC_URL = 'http://localhost:4000'

/** A closed port: an upstream for apps whose tests never reach Ory. */
export const NO_UPSTREAM = 'http://127.0.0.1:9'

/** The Accept header of a browser's navigation or form post. */
export const HTML_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

/** A low scrypt cost for the emulator's passwords: tests sign in often, hashing strength is not what they check. */
export const PASSWORD_HASH_COST = 1024

/**
 * What every test app runs with: quiet logs, and a background readiness probe rare enough to stay out of the
 * upstream's record.
 */
export const TEST_ENV: Readonly<Record<string, string>> = { LOG_LEVEL: 'silent', READY_PROBE_INTERVAL_MS: '300000' }

/** Load shedding off: on a busy test machine the event loop's lag (scrypt, module loading) is not overload. */
export const NO_LOAD_SHEDDING: Readonly<Record<string, string>> = { LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }

/** A valid config for tests: TEST_ENV in front of a closed port, with the given environment on top. */
export function testConfig (env: Record<string, string> = {}): Config {
  return loadConfig({ ORY_URL: NO_UPSTREAM, ...TEST_ENV, ...env })
}

/** The config of a BFF in front of `oryUrl` whose browser origin is PUBLIC_URL, unless `env` says otherwise. */
export function oryConfig (oryUrl: string, env: Record<string, string> = {}): Config {
  return testConfig({ ORY_URL: oryUrl, PUBLIC_URL, ...env })
}

/** The ConfigError loadConfig throws for `env`; fails the test when it accepts it. */
export function refused (env: Record<string, string>): ConfigError {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`)
}
