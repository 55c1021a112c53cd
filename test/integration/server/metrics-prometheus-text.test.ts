import t, { type Test } from 'tap'
import { identity } from '../../../src/ory/index.js'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { answerJson, startFakeOry } from '../../helpers/fake-ory.js'

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\["\\\\n])*"'
const VALUE = '(?:[+-]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+)|[+-]Inf|NaN)'
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)?,?\\})? (${VALUE})(?: -?[0-9]+)?$`)
const HELP = new RegExp(`^# HELP (${NAME}) .*$`)
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)

interface Sample { name: string, labels: Record<string, string>, value: number }

/** A strict reader of the Prometheus text exposition format (0.0.4): any line out of place fails the test. */
function parse (t: Test, text: string): { types: Map<string, string>, samples: Sample[] } {
  const types = new Map<string, string>()
  const helps = new Set<string>()
  const samples: Sample[] = []
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue
    let match: RegExpMatchArray | null
    if ((match = line.match(HELP)) !== null) {
      t.notOk(helps.has(match[1]!), `one HELP for ${match[1]!}`)
      helps.add(match[1]!)
    } else if ((match = line.match(TYPE)) !== null) {
      t.notOk(types.has(match[1]!), `one TYPE for ${match[1]!}`)
      types.set(match[1]!, match[2]!)
    } else if ((match = line.match(SAMPLE)) !== null) {
      const name = match[1]!
      const family = types.has(name) ? name : name.replace(/_(bucket|sum|count|total|created)$/, '')
      if (!types.has(family)) t.fail(`line ${index + 1}: ${name} has no TYPE`)
      const labels: Record<string, string> = {}
      for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!
      samples.push({ name, labels, value: Number(match[3]!.replace('Inf', 'Infinity')) })
    } else {
      t.fail(`line ${index + 1} is not Prometheus text: ${JSON.stringify(line)}`)
    }
  }
  return { types, samples }
}

t.test('/metrics is Prometheus text with request, upstream and process metrics', async t => {
  const ory = await startFakeOry((req, res) => {
    if (req.url?.startsWith('/admin/identities/') === true) answerJson(res, 404, { error: { code: 404, message: 'not found' } })
    else answerJson(res, 200, [])
  })
  t.teardown(ory.close)
  const app = buildTestApp(t, testConfig({ ORY_URL: ory.url }))
  app.get('/test/identity/:id', async request => {
    return (await identity.getIdentity(request.ory, { id: (request.params as { id: string }).id })).body
  })

  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/health/alive' })).statusCode, 200)
  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 200)
  t.equal((await app.inject({ url: '/no/such/route/1' })).statusCode, 404)
  t.equal((await app.inject({ url: '/no/such/route/2' })).statusCode, 404)
  t.equal((await app.inject({ url: '/test/identity/abc' })).statusCode, 404)

  const res = await app.inject({ url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
  const { types, samples } = parse(t, res.body)
  const find = (name: string, labels: Record<string, string>): Sample | undefined =>
    samples.find(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))

  t.equal(types.get('http_requests_total'), 'counter')
  t.equal(types.get('http_request_duration_seconds'), 'histogram')
  t.equal(find('http_requests_total', { method: 'GET', route: '/health/alive', status_code: '200' })?.value, 3)
  t.equal(find('http_requests_total', { route: '/health/ready', status_code: '200' })?.value, 1)
  t.equal(find('http_requests_total', { route: 'unmatched', status_code: '404' })?.value, 2, 'unknown paths share one series')
  t.notOk(samples.some(s => s.labels.route?.startsWith('/no/such') === true), 'raw paths never become labels')
  t.equal(find('http_request_duration_seconds_count', { route: '/health/alive', status_code: '200' })?.value, 3)
  t.equal(find('http_request_duration_seconds_bucket', { route: '/health/alive', status_code: '200', le: '+Inf' })?.value, 3)

  t.equal(types.get('ory_upstream_requests_total'), 'counter')
  t.equal(types.get('ory_upstream_request_duration_seconds'), 'histogram')
  t.equal(types.get('ory_upstream_errors_total'), 'counter')
  t.equal(find('ory_upstream_requests_total', { operation: 'listIdentitySchemas', status: '200' })?.value, 1, 'the readiness probe')
  t.equal(find('ory_upstream_requests_total', { operation: 'getIdentity', status: '404' })?.value, 1)
  t.equal(find('ory_upstream_errors_total', { operation: 'getIdentity', code: 'ORY_BFF_UPSTREAM_STATUS' })?.value, 1)
  t.equal(find('ory_upstream_request_duration_seconds_count', { operation: 'getIdentity' })?.value, 1)

  t.ok(find('process_resident_memory_bytes', {}) !== undefined, 'process metrics')
  t.ok(find('nodejs_eventloop_lag_seconds', {}) !== undefined, 'Node.js metrics')
})

t.test('each app has its own registry: two apps in one process count apart', async t => {
  const first = buildTestApp(t, testConfig())
  const second = buildTestApp(t, testConfig())
  await first.inject({ url: '/health/alive' })
  const firstText = (await first.inject({ url: '/metrics' })).body
  const secondText = (await second.inject({ url: '/metrics' })).body
  t.match(firstText, /http_requests_total\{method="GET",route="\/health\/alive",status_code="200"\} 1/)
  t.notMatch(secondText, /route="\/health\/alive"/)
})
