import { FastifyOtelInstrumentation } from '@fastify/otel'
import { performance } from 'node:perf_hooks'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { TelemetryConfig } from '../config.js'
import { endClientSpan, startClientSpan, startTracing } from '../telemetry/tracing.js'
import type { CallTracer } from './ory-instrumentation.js'

// OpenTelemetry traces (docs/telemetry.md): a span per request (@fastify/otel), a client span per call to Ory and to
// the /api/proxy upstreams with its W3C trace context sent along, and the trace's ids on the request's log lines.
// app.ts imports this module only when tracing is configured: otherwise nothing of OpenTelemetry is loaded. In the
// image it is a bundle of its own (scripts/bundle.ts LAZY_PARTS), so it imports nothing of the app's at run time:
// a copy of a module with classes (the Ory client's errors, the request logger) would not be the app's, and
// `instanceof` would fail. The app's modules call it instead (ory-instrumentation.ts, routes/proxy.ts).

declare module 'fastify' {
  interface FastifyInstance {
    /** Present only when tracing is on (OTEL_*); see plugins/telemetry.ts. */
    telemetry: Telemetry
  }
}

/** An answer of an upstream, as far as a span needs it. */
export interface UpstreamAnswer {
  status: number
}

export interface Telemetry {
  /** A client span for a call to Ory, its trace context in the call's headers (see ory-instrumentation.ts). */
  oryCallSpan: CallTracer
  /**
   * Runs a call to an /api/proxy upstream in a client span; `send` gets the call's headers with the span's trace
   * context in place of the browser's.
   */
  traceApiCall: <T extends UpstreamAnswer>(
    route: string, method: string, headers: Record<string, string | string[]>, send: (headers: Record<string, string | string[]>) => Promise<T>
  ) => Promise<T>
}

export interface TelemetryPluginOptions {
  config: TelemetryConfig
  version: string
}

/** Routes that the orchestrator and the scraper call every few seconds: no traces of their own. */
function isProbe (url: string): boolean {
  return url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?')
}

const WARNING_INTERVAL_MS = 60_000

/** The collector's origin and path, for a log line: never its query (which could hold a key). */
function collectorOf (config: TelemetryConfig): string {
  if (config.exporter === 'console') return 'console'
  const url = new URL(config.url)
  return `${url.origin}${url.pathname}`
}

function pathOf (url: string): string {
  const mark = url.indexOf('?')
  return mark === -1 ? url : url.slice(0, mark)
}

export const telemetryPlugin = fp(async function telemetry (app: FastifyInstance, options: TelemetryPluginOptions) {
  let lastWarning = -Infinity
  const tracing = startTracing(options.config, options.version, message => {
    // At most a line a minute: a collector that is down fails every export, every few seconds.
    const now = performance.now()
    if (now - lastWarning < WARNING_INTERVAL_MS) return
    lastWarning = now
    app.log.warn({ collector: collectorOf(options.config), reason: message }, 'traces could not be exported; spans are dropped until the collector answers')
  })
  const { tracer } = tracing
  const instrumentation = new FastifyOtelInstrumentation({
    ignorePaths: route => isProbe(route.url),
    // The request's span and its handler's, not one per hook: the BFF runs a dozen hooks per request (request id,
    // security headers, CSRF, load shedding, metrics…), each too quick to be worth a span, and every span is exported.
    // The calls to Ory that hooks make (the session check) are spans of their own, children of the request's.
    instrumentHooks: false,
    // Runs as the request's span starts, in @fastify/otel's onRequest hook, before every other hook.
    requestHook (span, request) {
      const { log, method, routeOptions, url } = request as FastifyRequest
      // @fastify/otel records the URL as it came: a query string may hold an OAuth2 code, a flow id, a token.
      span.setAttribute('url.path', pathOf(url))
      span.updateName(routeOptions.url === undefined ? method : `${method} ${routeOptions.url}`)
      const { traceId, spanId } = span.spanContext()
      // pino's own method, which the app's request logger has too (plugins/logging.ts): the request's later lines
      // name its trace.
      const bindable = log as { setBindings?: (fields: Record<string, string>) => void }
      bindable.setBindings?.({ trace_id: traceId, span_id: spanId })
    }
  })
  instrumentation.setTracerProvider(tracing.provider)
  await app.register(instrumentation.plugin())

  app.decorate('telemetry', {
    oryCallSpan (operationId, method, callHeaders) {
      const { span, headers } = startClientSpan(tracer, `ory ${operationId}`, { 'ory.operation_id': operationId, 'http.request.method': method }, callHeaders)
      return { headers, end: (status, errorCode) => endClientSpan(span, status, errorCode) }
    },
    async traceApiCall (route, method, callHeaders, send) {
      const { span, headers } = startClientSpan(tracer, `api ${route}`, { 'bff.api_route': route, 'http.request.method': method }, callHeaders)
      try {
        const answer = await send(headers)
        endClientSpan(span, answer.status, undefined)
        return answer
      } catch (err) {
        const code = (err as { code?: unknown }).code
        endClientSpan(span, undefined, typeof code === 'string' ? code : 'UNKNOWN')
        throw err
      }
    }
  } satisfies Telemetry)

  // Once the server has stopped and in-flight requests have finished: the spans still queued are sent, within the
  // export timeout, whether or not the collector answers.
  app.addHook('onClose', async function flushTraces () {
    await tracing.shutdown()
  })
}, { name: 'telemetry', fastify: '5.x' })
