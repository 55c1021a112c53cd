import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, loadConfig } from '../../../src/config.js'

// The OTEL_* variables: when tracing is on, where traces go, and refusals that name the variable without quoting
// the collector's headers (they hold API keys).

const ORY = { ORY_URL: 'https://example.projects.oryapis.com' }

function refused (env: Record<string, string>): ConfigError {
  let caught: unknown
  try {
    loadConfig({ ...ORY, ...env })
  } catch (err) {
    caught = err
  }
  if (!(caught instanceof ConfigError)) throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`)
  return caught
}

t.test('without OTEL_* variables there is no tracing', async t => {
  t.equal(loadConfig(ORY).telemetry, undefined)
  t.equal(loadConfig({ ...ORY, OTEL_SERVICE_NAME: 'web-bff', OTEL_EXPORTER_OTLP_HEADERS: 'a=b' }).telemetry, undefined, 'a name or headers alone turn nothing on')
})

t.test('an OTLP endpoint turns tracing on, with the specification\'s defaults', async t => {
  t.same(loadConfig({ ...ORY, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).telemetry, {
    exporter: 'otlp',
    url: 'http://collector:4318/v1/traces',
    headers: {},
    timeoutMs: 10_000,
    serviceName: 'ory-bff',
    sampler: 'parentbased_always_on',
    ratio: 1
  })
  t.equal(loadConfig({ ...ORY, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com/base/' }).telemetry?.url, 'https://otel.example.com/base/v1/traces', 'v1/traces appended to the path')
  t.equal(loadConfig({ ...ORY, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example.com/custom/traces' }).telemetry?.url,
    'https://otel.example.com/custom/traces', 'the traces endpoint as it is')
  t.equal(loadConfig({
    ...ORY, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/t'
  }).telemetry?.url, 'http://b:4318/t', 'the traces endpoint wins')
})

t.test('OTEL_TRACES_EXPORTER: otlp without an endpoint goes to the local collector; console; none turns tracing off', async t => {
  t.equal(loadConfig({ ...ORY, OTEL_TRACES_EXPORTER: 'otlp' }).telemetry?.url, 'http://localhost:4318/v1/traces')
  t.equal(loadConfig({ ...ORY, OTEL_TRACES_EXPORTER: 'Console' }).telemetry?.exporter, 'console', 'any case')
  t.equal(loadConfig({ ...ORY, OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).telemetry, undefined)
  const wrong = refused({ OTEL_TRACES_EXPORTER: 'zipkin' })
  t.equal(wrong.variable, 'OTEL_TRACES_EXPORTER')
  t.match(wrong.message, /one of otlp, console, none, got "zipkin"/)
})

t.test('endpoints must be http(s) URLs without credentials', async t => {
  t.equal(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).variable, 'OTEL_EXPORTER_OTLP_ENDPOINT')
  t.equal(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' }).variable, 'OTEL_EXPORTER_OTLP_ENDPOINT')
  t.equal(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/?x=1' }).variable, 'OTEL_EXPORTER_OTLP_ENDPOINT', 'no query on a base URL')
  const credentials = refused({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://user:pa55@otel.example.com/v1/traces' })
  t.equal(credentials.variable, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')
  t.notMatch(credentials.message, 'pa55')
})

t.test('OTEL_EXPORTER_OTLP_HEADERS: name=value pairs, percent-decoded, never quoted in an error', async t => {
  const env = { ...ORY, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }
  t.same(loadConfig({ ...env, OTEL_EXPORTER_OTLP_HEADERS: 'X-Api-Key=abc123, x-team = web%20app ,' }).telemetry?.headers, { 'x-api-key': 'abc123', 'x-team': 'web app' })
  t.same(loadConfig({ ...env, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic dXNlcjpwYXNz==' }).telemetry?.headers, { authorization: 'Basic dXNlcjpwYXNz==' }, 'only the first = splits')
  for (const value of ['api-key-s3cret', 'x-api-key', '=s3cret', 'bad name=s3cret', 'x=%E0%A4%As3cret', 'x=a%0As3cret', ',']) {
    const err = refused({ ...env, OTEL_EXPORTER_OTLP_HEADERS: value })
    t.equal(err.variable, 'OTEL_EXPORTER_OTLP_HEADERS', value)
    t.notMatch(err.message, 's3cret', `${value}: the value is never quoted`)
  }
})

t.test('OTEL_EXPORTER_OTLP_HEADERS may come from a file (OTEL_EXPORTER_OTLP_HEADERS_FILE)', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'otel-headers-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'headers')
  writeFileSync(file, 'x-api-key=from-file\n')
  const config = loadConfig({ ...ORY, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_HEADERS_FILE: file })
  t.same(config.telemetry?.headers, { 'x-api-key': 'from-file' })
  const bad = refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_HEADERS_FILE: file, OTEL_EXPORTER_OTLP_HEADERS: 'a=b' })
  t.equal(bad.variable, 'OTEL_EXPORTER_OTLP_HEADERS_FILE')
})

t.test('the sampler and its ratio', async t => {
  const env = { ...ORY, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }
  const ratio = loadConfig({ ...env, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).telemetry
  t.equal(ratio?.sampler, 'parentbased_traceidratio')
  t.equal(ratio?.ratio, 0.25)
  t.equal(loadConfig({ ...env, OTEL_TRACES_SAMPLER: 'TraceIdRatio' }).telemetry?.ratio, 1, 'any case; a ratio of 1 unless given')
  t.equal(loadConfig({ ...env, OTEL_TRACES_SAMPLER: 'always_off' }).telemetry?.sampler, 'always_off')
  t.equal(refused({ ...env, OTEL_TRACES_SAMPLER: 'jaeger_remote' }).variable, 'OTEL_TRACES_SAMPLER')
  for (const arg of ['1.5', '-0.1', 'half', '1e-1']) {
    t.equal(refused({ ...env, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: arg }).variable, 'OTEL_TRACES_SAMPLER_ARG', arg)
  }
  t.match(refused({ ...env, OTEL_TRACES_SAMPLER_ARG: '0.5' }).message, /OTEL_TRACES_SAMPLER is parentbased_always_on, which takes no ratio/)
})

t.test('OTEL_EXPORTER_OTLP_TIMEOUT and OTEL_SERVICE_NAME', async t => {
  const config = loadConfig({ ...ORY, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TIMEOUT: '2500', OTEL_SERVICE_NAME: 'shop-bff' })
  t.equal(config.telemetry?.timeoutMs, 2500)
  t.equal(config.telemetry?.serviceName, 'shop-bff')
  t.equal(refused({ OTEL_EXPORTER_OTLP_TIMEOUT: '0' }).variable, 'OTEL_EXPORTER_OTLP_TIMEOUT')
})
