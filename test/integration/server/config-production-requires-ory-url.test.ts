import t from 'tap'
import { ConfigError, DEVELOPMENT_ORY_URL, loadConfig } from '../../../src/config.js'
import { buildTestApp, captureLogs } from '../../helpers/app.js'

t.test('with NODE_ENV=production and no ORY_URL the config is refused', async t => {
  for (const env of [{ NODE_ENV: 'production' }, { NODE_ENV: 'production', ORY_URL: '' }]) {
    const err = t.throws(() => loadConfig(env)) as ConfigError
    t.ok(err instanceof ConfigError)
    t.equal(err.variable, 'ORY_URL')
    t.match(err.message, /^ORY_URL: is required when NODE_ENV=production/)
  }
})

t.test('outside production the local emulator is the default upstream, and the app says so in one warn line', async t => {
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'info' })
  t.equal(config.oryUrl, DEVELOPMENT_ORY_URL)
  t.equal(config.oryUrlSource, 'emulator')
  t.equal(config.warnings.length, 1)

  const logs = captureLogs()
  const app = buildTestApp(t, config, { logStream: logs.stream })
  await app.inject({ url: '/health/alive' })
  const warnings = logs.lines().filter(line => line.level === 'warn' && String(line.msg).includes('ORY_URL is not set'))
  t.equal(warnings.length, 1, 'exactly one warning about the default upstream')
  t.match(String(warnings[0]?.msg), DEVELOPMENT_ORY_URL)
  t.match(String(warnings[0]?.msg), /local Ory emulator/)
})

t.test('with ORY_URL set there is no warning', async t => {
  t.same(loadConfig({ NODE_ENV: 'production', ORY_URL: 'https://example.projects.oryapis.com' }).warnings, [])
})
