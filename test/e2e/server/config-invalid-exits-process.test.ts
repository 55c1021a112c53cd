import t from 'tap'
import { startServer } from '../../helpers/process.js'

t.test('the server refuses a bad configuration: exit code 1 and one clear line on stderr, no stack trace', async t => {
  const server = startServer({ ORY_URL: 'https://example.projects.oryapis.com', PORT: '70000' })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const { code } = await server.exited
  t.equal(code, 1)
  t.equal(server.stderr(), 'ory-bff: invalid configuration: PORT: must be a port number from 0 to 65535 (0 picks a free port), got "70000"\n')
  t.same(server.logs, [], 'nothing on standard output')
})

t.test('a production server without ORY_URL refuses to start', async t => {
  const server = startServer({ NODE_ENV: 'production' })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const { code } = await server.exited
  t.equal(code, 1)
  t.match(server.stderr(), /^ory-bff: invalid configuration: ORY_URL: is required when NODE_ENV=production[^\n]*\n$/)
  t.notMatch(server.stderr(), /\n\s+at /, 'no stack trace')
})

t.test('ADMIN_API=on without a policy, or with a list naming no admin operation, refuses to start with one line', async t => {
  for (const [env, line] of [
    [{ ADMIN_API: 'on' }, /^ory-bff: invalid configuration: ADMIN_POLICY: is required with ADMIN_API=on[^\n]*\n$/],
    [{ ADMIN_API: 'on', ADMIN_POLICY: 'admins' }, /^ory-bff: invalid configuration: ADMIN_POLICY: must be keto:<namespace>:<object>#<relation>[^\n]*\n$/],
    [{ ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin', ADMIN_ALLOW: 'identity,listIdentitiez' }, /^ory-bff: invalid configuration: ADMIN_ALLOW: names no admin operation or group: listIdentitiez[^\n]*\n$/]
  ] as const) {
    const server = startServer({ ORY_URL: 'http://127.0.0.1:9', NODE_ENV: 'production', ...env })
    t.teardown(() => { server.child.kill('SIGKILL') })
    const { code } = await server.exited
    t.equal(code, 1, JSON.stringify(env))
    t.match(server.stderr(), line)
  }
})
