import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { answerJson, healthy, startFakeOry } from '../../helpers/fake-ory.js'

t.test('/health/ready follows the upstream: up, failing, hanging, unreachable, up again', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url, UPSTREAM_TIMEOUT_MS: '300' }))

  const ready = async (): Promise<{ status: number, body: Record<string, { reason?: string, id?: string, request?: string }> }> => {
    const res = await app.inject({ url: '/health/ready', headers: { 'x-request-id': 'probe-1' } })
    return { status: res.statusCode, body: res.json() }
  }

  t.same(await ready(), { status: 200, body: { status: 'ok' } }, 'up')
  t.equal(ory.requests.at(-1)?.url, '/schemas?page_size=1', 'the probe asks for the identity schemas')

  ory.handle((_req, res) => answerJson(res, 500, { error: { code: 500, message: 'database down' } }))
  await app.readiness.refresh()
  let answer = await ready()
  t.equal(answer.status, 503, 'Ory answering 500: not ready')
  t.equal(answer.body.error?.id, 'upstream_not_ready')
  t.equal(answer.body.error?.reason, 'Ory answered the readiness probe with status 500.')
  t.equal(answer.body.error?.request, 'probe-1')

  ory.handle(healthy)
  await app.readiness.refresh()
  t.same(await ready(), { status: 200, body: { status: 'ok' } }, 'back up')

  ory.handle(() => {}) // never answers
  await app.readiness.refresh()
  answer = await ready()
  t.equal(answer.status, 503, 'Ory hanging: not ready once the probe times out')
  t.equal(answer.body.error?.reason, 'Ory did not answer the readiness probe in time.')

  ory.handle((_req, res, socket) => { res.destroy(); socket?.destroy() })
  await app.readiness.refresh()
  answer = await ready()
  t.equal(answer.status, 503, 'connection dropped: not ready')
  t.equal(answer.body.error?.reason, 'Ory could not be reached.')
  t.notMatch(JSON.stringify(answer.body), '127.0.0.1', 'the upstream address is not revealed')

  ory.handle(healthy)
  await app.readiness.refresh()
  t.same(await ready(), { status: 200, body: { status: 'ok' } }, 'up again')
})

t.test('the background probe flips readiness without any readiness request', async t => {
  const ory = await startFakeOry()
  t.teardown(ory.close)
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url, READY_PROBE_INTERVAL_MS: '100' }))
  await app.ready()
  await ory.waitForRequests(1)
  t.equal((await app.readiness.current()).ready, true)

  ory.handle((_req, res) => answerJson(res, 503, { error: { code: 503, message: 'maintenance' } }))
  const seen = ory.requests.length
  // Each round waits for the next background probe to arrive; bounded.
  for (let round = 1; round <= 20 && app.readiness.last?.ready !== false; round++) {
    await ory.waitForRequests(seen + round)
    await app.readiness.current()
  }
  t.equal(app.readiness.last?.ready, false, 'the background probe saw the upstream fail')
  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 503)
})
