import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

// Each app owns the list of its input checks (routes' schemas, the mirror's flow bodies): building it compiles none,
// a request compiles only its own, and listening compiles the rest in the background. Apps never share the list.

async function turn (): Promise<void> {
  await new Promise(resolve => setImmediate(resolve))
}

t.test('an app compiles its input checks once it listens, not while it is built', async t => {
  const app = buildTestApp(t, testConfig())
  await app.ready()
  const registered = app.checks.pending
  t.ok(registered > 0, 'the routes registered their checks, and none is compiled')

  const other = buildTestApp(t, testConfig())
  await other.ready()
  t.equal(other.checks.pending, registered, 'another app has a list of its own')
  t.equal(app.checks.pending, registered, 'which does not grow the first one\'s')

  const refused = await app.inject({ method: 'GET', url: '/api/session?aal=aal9' })
  t.equal(refused.statusCode, 400)
  t.equal(app.checks.pending, registered - 1, 'a request compiles its own check only')

  await app.listen({ port: 0, host: '127.0.0.1' })
  t.ok(app.checks.pending > 0, 'listening does not wait for the compiler')
  while (app.checks.pending > 0) await turn()
  t.equal(other.checks.pending, registered, 'the app that did not listen compiled nothing')
})
