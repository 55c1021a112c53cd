import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, FILE_VARIABLES, loadConfig } from '../../../src/config.js'

const BASE = { ORY_URL: 'https://example.projects.oryapis.com', OAUTH2_CLIENT_ID: 'bff' }

t.test('secrets are read from *_FILE variables, without the trailing newline', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-secrets-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const values: Record<string, string> = {
    ORY_API_KEY: 'ory_pat_from_file',
    ORY_WORKSPACE_API_KEY: 'ory_wak_from_file',
    COOKIE_SECRET: 'c'.repeat(40),
    OAUTH2_CLIENT_SECRET: 'client-secret-from-file'
  }
  const env: Record<string, string> = { ...BASE }
  for (const name of FILE_VARIABLES) {
    const path = join(dir, name)
    await writeFile(path, `${values[name]!}\n`)
    env[`${name}_FILE`] = path
  }
  const config = loadConfig(env)
  t.equal(config.oryApiKey, values.ORY_API_KEY)
  t.equal(config.oryWorkspaceApiKey, values.ORY_WORKSPACE_API_KEY)
  t.equal(config.cookieSecret, values.COOKIE_SECRET)
  t.equal(config.oauth2?.clientSecret, values.OAUTH2_CLIENT_SECRET)
})

t.test('a variable and its _FILE together are refused', async t => {
  const err = t.throws(() => loadConfig({ ...BASE, ORY_API_KEY: 'a', ORY_API_KEY_FILE: '/etc/hostname' })) as ConfigError
  t.ok(err instanceof ConfigError)
  t.equal(err.variable, 'ORY_API_KEY_FILE')
  t.match(err.message, /is set together with ORY_API_KEY; set only one of them/)
})

t.test('an unreadable or empty secret file is refused, naming the _FILE variable', async t => {
  const missing = t.throws(() => loadConfig({ ...BASE, COOKIE_SECRET_FILE: '/no/such/secret' })) as ConfigError
  t.equal(missing.variable, 'COOKIE_SECRET_FILE')
  t.match(missing.message, /cannot read \/no\/such\/secret \(ENOENT\)/)

  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-secrets-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const empty = join(dir, 'empty')
  await writeFile(empty, '\n')
  const err = t.throws(() => loadConfig({ ...BASE, COOKIE_SECRET_FILE: empty })) as ConfigError
  t.equal(err.variable, 'COOKIE_SECRET_FILE')
  t.match(err.message, /is empty/)
})

t.test('a bad value read from a file is reported against the _FILE variable, without the value', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'ory-bff-secrets-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'short')
  await writeFile(path, 'short-secret')
  const err = t.throws(() => loadConfig({ ...BASE, COOKIE_SECRET_FILE: path })) as ConfigError
  t.equal(err.variable, 'COOKIE_SECRET_FILE')
  t.match(err.message, /must be at least 32 characters long/)
  t.notMatch(err.message, 'short-secret')
})
