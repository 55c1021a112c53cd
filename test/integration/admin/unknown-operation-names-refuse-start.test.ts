import t from 'tap'
import { buildApp } from '../../../src/app.js'
import { ConfigError } from '../../../src/config.js'
import { oryConfig } from '../../helpers/config.js'

t.test('an ADMIN_ALLOW or ADMIN_DENY name that is no admin operation or group stops the start with a configuration error', async t => {
  for (const [variable, env] of [
    ['ADMIN_ALLOW', { ADMIN_ALLOW: 'identity,listIdentitiez' }],
    ['ADMIN_DENY', { ADMIN_DENY: 'toSession' }],
    ['ADMIN_DENY', { ADMIN_DENY: 'frontend' }]
  ] as const) {
    const app = buildApp(oryConfig('http://127.0.0.1:9', { ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin', ...env }))
    const err = await app.ready().then(() => undefined, (err: unknown) => err)
    await app.close().catch(() => {})
    t.type(err, ConfigError, JSON.stringify(env))
    t.equal((err as ConfigError).variable, variable)
    t.match((err as Error).message, /names no admin operation or group/)
  }
  // Console groups are names even without a workspace key: a list made for both deployments works in each.
  const app = buildApp(oryConfig('http://127.0.0.1:9', { ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin', ADMIN_DENY: 'project,workspace,events' }))
  t.teardown(async () => await app.close())
  await t.resolves(async () => { await app.ready() })
})
