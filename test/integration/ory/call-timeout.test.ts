import t from 'tap'
import { createOryClient, frontend, OryTimeoutError } from '../../../src/ory/index.js'
import { startUpstream } from '../../helpers/upstream.js'

t.test('the whole-call timeout ends a call that trickles on with a 504 OryTimeoutError', async t => {
  // Each byte arrives well within the body timeout, so only the deadline of the whole call can end it.
  const timers = new Set<NodeJS.Timeout>()
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' })
    const timer = setInterval(() => res.write(' '), 10)
    timers.add(timer)
    res.on('close', () => clearInterval(timer))
  })
  t.teardown(async () => {
    for (const timer of timers) clearInterval(timer)
    await upstream.close()
  })
  const client = createOryClient({ url: upstream.url, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000, timeoutMs: 150, retry: false })
  t.teardown(async () => await client.close())

  const started = performance.now()
  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)
  const elapsed = performance.now() - started

  t.ok(err instanceof OryTimeoutError, 'an OryTimeoutError')
  const timeout = err as OryTimeoutError
  t.equal(timeout.code, 'ORY_BFF_UPSTREAM_TIMEOUT')
  t.equal(timeout.statusCode, 504)
  t.ok(elapsed >= 100 && elapsed < 5_000, `it ended near the deadline (${Math.round(elapsed)} ms)`)
})

t.test('a per-call timeoutMs overrides the client\'s', async t => {
  const upstream = await startUpstream(() => {})
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, headersTimeoutMs: 10_000, timeoutMs: 10_000, retry: false })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client, {}, { timeoutMs: 50 }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryTimeoutError)
  t.equal((err as OryTimeoutError).statusCode, 504)
})

t.test('the deadline covers the retries too', async t => {
  const upstream = await startUpstream((_req, res) => {
    res.writeHead(503, { 'retry-after': '60' })
    res.end()
  })
  t.teardown(upstream.close)
  const client = createOryClient({ url: upstream.url, timeoutMs: 100, retry: { retries: 5, maxDelayMs: 60_000 } })
  t.teardown(async () => await client.close())

  const err = await frontend.toSession(client).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof OryTimeoutError, 'waiting for the next attempt ran into the deadline')
  t.equal(upstream.requests.length, 1)
})
