import t from 'tap'
import { createOryClient, identity, OryUnavailableError } from '../../../src/ory/index.js'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { startFakeOry } from '../../helpers/fake-ory.js'

t.test('closing the app stops the background probe and closes the Ory client it created', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url, READY_PROBE_INTERVAL_MS: '100' }))
  await app.ready()
  await ory.waitForRequests(2)
  const client = app.ory
  await app.close()
  t.equal(app.lifecycle.draining, true)
  const err = await identity.listIdentitySchemas(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryUnavailableError, 'the client is closed')
  t.match((err as Error).message, /the Ory client is closed/)
  const made = ory.requests.length
  // Proving that nothing happens takes a wait: three intervals would have brought three probes.
  await new Promise(resolve => setTimeout(resolve, 350))
  t.equal(ory.requests.length, made, 'no probe after close')
})

t.test('an injected client is used, instrumented, and left open for its owner', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const client = createOryClient({ url: ory.url })
  t.teardown(async () => await client.close())
  const app = buildTestApp(t, testConfig({ ORY_URL: 'http://127.0.0.1:9' }), { oryClient: client })
  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 200, 'the probe went to the injected client\'s upstream')
  t.match((await app.inject({ url: '/metrics' })).body, /ory_upstream_requests_total\{operation="listIdentitySchemas",status="200"\} 1/)
  await app.close()
  const result = await identity.listIdentitySchemas(client)
  t.equal(result.status, 200, 'still usable after the app closed')
})
