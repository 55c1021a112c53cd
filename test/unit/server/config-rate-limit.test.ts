import t from 'tap'
import { refused } from '../../helpers/config.js'
import { loadConfig } from '../../../src/config.js'

// RATE_LIMIT and its numbers: on by default with documented defaults, off on request, bounds checked.

const ORY = { ORY_URL: 'https://example.projects.oryapis.com', PUBLIC_URL: 'https://app.example.com' }

t.test('on by default: 100 per client IP and 10 per identifier a minute', async t => {
  t.same(loadConfig(ORY).rateLimit, { windowMs: 60_000, ipMax: 100, identifierMax: 10 })
})

t.test('the numbers as given; RATE_LIMIT=off turns the sign-in limits off (not the admin limit)', async t => {
  t.same(loadConfig({ ...ORY, RATE_LIMIT_WINDOW_MS: '300000', RATE_LIMIT_IP_MAX: '500', RATE_LIMIT_IDENTIFIER_MAX: '5' }).rateLimit, { windowMs: 300_000, ipMax: 500, identifierMax: 5 })
  t.equal(loadConfig({ ...ORY, RATE_LIMIT: 'off' }).rateLimit, undefined)
  t.same(loadConfig({ ...ORY, RATE_LIMIT: 'off', ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin' }).admin?.rateLimit, { max: 120, windowMs: 60_000 })
})

t.test('values out of bounds or of the wrong kind are refused, naming the variable', async t => {
  t.match(refused({ ...ORY, RATE_LIMIT: 'no' }).message, /^RATE_LIMIT: must be on or off/)
  for (const [name, value] of [['RATE_LIMIT_IP_MAX', '0'], ['RATE_LIMIT_IDENTIFIER_MAX', '-1'], ['RATE_LIMIT_IDENTIFIER_MAX', '2.5'], ['RATE_LIMIT_WINDOW_MS', '999'], ['RATE_LIMIT_WINDOW_MS', '3600001']] as const) {
    t.equal(refused({ ...ORY, [name]: value }).variable, name, `${name}=${value}`)
  }
})
