import { createRequire } from 'node:module'
import t from 'tap'
import { readyTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'
import { otelEnv, startOtlpReceiver } from '../../helpers/otlp.js'

// Without OTEL_* variables, none of the tracing code is loaded: start-up time and idle memory are what they were
// before tracing existed. OpenTelemetry's packages and @fastify/otel resolve to CommonJS files under Node.js (their
// `default` export condition), ESM imports included, so Node's CommonJS cache lists every one that was loaded.
// @opentelemetry/api is the exception, loaded before tracing existed: prom-client (the metrics) requires it.

const cache = createRequire(import.meta.url).cache
const ALREADY_THERE = new Set(['@opentelemetry/api'])

/** The packages of OpenTelemetry (and @fastify/otel) loaded so far, besides the API. */
function openTelemetryModules (): string[] {
  const packages = new Set<string>()
  for (const file of Object.keys(cache)) {
    const match = /[\\/]node_modules[\\/](@opentelemetry[\\/][^\\/]+|@fastify[\\/]otel)[\\/]/.exec(file)
    if (match !== null) packages.add(match[1]!.replace('\\', '/'))
  }
  return [...packages].filter(name => !ALREADY_THERE.has(name)).sort()
}

t.test('an app without OTEL_* variables loads no OpenTelemetry module; one with them does', async t => {
  t.same(openTelemetryModules(), [], 'none before the app')
  const app = await readyTestApp(t, testConfig())
  t.equal((await app.inject({ method: 'GET', url: '/health/alive' })).statusCode, 200)
  t.same(openTelemetryModules(), [], 'none once the app is built, ready and answering')
  t.equal(app.hasDecorator('telemetry'), false)

  // The check can see them: the same app with tracing configured loads them.
  const collector = await startOtlpReceiver()
  t.teardown(collector.close)
  const traced = await readyTestApp(t, testConfig(otelEnv(collector)))
  t.equal(traced.hasDecorator('telemetry'), true)
  const loaded = openTelemetryModules()
  for (const name of ['@fastify/otel', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/context-async-hooks']) {
    t.ok(loaded.includes(name), `${name} is loaded with tracing on`)
  }
})
