import t from 'tap'
import { ConfigError, loadConfig } from '../../../src/config.js'

const base = { ORY_URL: 'http://127.0.0.1:9' }

t.test('the permission settings have their defaults: no cache, 10000 entries, batches of 10', async t => {
  const config = loadConfig(base)
  t.equal(config.permissionCacheTtlMs, 0)
  t.equal(config.permissionCacheMax, 10_000)
  t.equal(config.permissionBatchMax, 10)
})

t.test('the permission settings are read from the environment', async t => {
  const config = loadConfig({ ...base, PERMISSION_CACHE_TTL_MS: '2000', PERMISSION_CACHE_MAX: '50', PERMISSION_BATCH_MAX: '25' })
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
    t.throws(() => loadConfig({ ...base, [name]: value }), message, `${name}=${value}`)
    t.throws(() => loadConfig({ ...base, [name]: value }), ConfigError)
  }
})
