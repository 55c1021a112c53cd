import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import t, { type Test } from 'tap'
import type { AddressInfo } from 'node:net'
import { captureLogs, readyTestApp, type LogCapture } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { get } from '../../helpers/http.js'
import { startOtlpReceiver } from '../../helpers/otlp.js'
import { closedPortUrl } from '../../helpers/upstream.js'

// Spans are exported in the background: a collector that is down or never answers makes no request fail or wait,
// and closing the app waits for it no longer than OTEL_EXPORTER_OTLP_TIMEOUT.

const TIMEOUT_MS = 1_000
// Enough requests for two full batches (512 spans; a request makes two, its own and its handler's), so that exports
// start, and hang, while requests are still being answered.
const REQUESTS = 600

const KEY = 'collector-key-0d9e71'

async function answersWhileExporting (t: Test, endpoint: string, exporting: () => number): Promise<LogCapture> {
  const logs = captureLogs()
  const app = await readyTestApp(t, testConfig({
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: String(TIMEOUT_MS), OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${KEY}`, LOG_LEVEL: 'warn'
  }), { logStream: logs.stream })
  // Over real connections: the exporter's requests get their turns of the event loop between the test's.
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const statuses = new Set<number>()
  for (let i = 0; i < REQUESTS; i++) statuses.add((await get(port, '/api/no-such-route')).status)
  t.same([...statuses], [404], 'every request answered as without tracing')
  t.ok(exporting() > 0, 'exports were under way while requests were answered')
  const started = performance.now()
  await app.close()
  const took = performance.now() - started
  t.ok(took < TIMEOUT_MS + 2_000, `close took ${Math.round(took)} ms, bounded by the export timeout`)
  t.notOk(logs.text().includes(KEY), 'the collector\'s key is in no log line')
  return logs
}

t.test('a collector that never answers: requests answer, close is bounded', async t => {
  const collector = await startOtlpReceiver('hang')
  t.teardown(collector.close)
  await answersWhileExporting(t, collector.url, () => collector.exports.length)
  t.equal(collector.spans.length, 0, 'nothing was accepted')
})

t.test('a collector that cannot be reached: requests answer, close is bounded', async t => {
  let attempts = 0
  // Counted on the process's own http client: the exporter's requests go out through node:http.
  const onRequest = (message: unknown): void => {
    if ((message as { request: { path: string } }).request.path === '/v1/traces') attempts++
  }
  subscribe('http.client.request.start', onRequest)
  t.teardown(() => unsubscribe('http.client.request.start', onRequest))
  const endpoint = await closedPortUrl()
  const logs = await answersWhileExporting(t, endpoint, () => attempts)
  const warnings = logs.lines().filter(line => line.msg === 'traces could not be exported; spans are dropped until the collector answers')
  t.equal(warnings.length, 1, 'the operator is told, once a minute at most')
  t.equal(warnings[0]?.collector, `${endpoint}/v1/traces`)
})
