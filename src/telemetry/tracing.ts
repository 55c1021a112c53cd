import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ConsoleSpanExporter, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider,
  type ReadableSpan, type Sampler, type SpanExporter
} from '@opentelemetry/sdk-trace'
import type { TelemetryConfig } from '../config.js'
import type { TracesSampler } from './settings.js'

// OpenTelemetry's SDK, set up from the config's values only (never from the environment, which config.ts alone
// reads). Loaded on demand: with tracing off, nothing of this module or of OpenTelemetry is loaded.

export function sampler (name: TracesSampler, ratio: number): Sampler {
  switch (name) {
    case 'always_on': return new AlwaysOnSampler()
    case 'always_off': return new AlwaysOffSampler()
    case 'traceidratio': return new TraceIdRatioBasedSampler(ratio)
    case 'parentbased_always_on': return new ParentBasedSampler({ root: new AlwaysOnSampler() })
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) })
  }
}

/** Spans waiting for export; more are dropped rather than held (a collector that is down must not grow the heap). */
const MAX_QUEUE = 2048

function exporter (config: TelemetryConfig): SpanExporter {
  if (config.exporter === 'console') return new ConsoleSpanExporter()
  // OTLP/HTTP with JSON bodies. The exporter's own requests go through node:http, which nothing here instruments.
  return new OTLPTraceExporter({ url: config.url, headers: { ...config.headers }, timeoutMillis: config.timeoutMs })
}

/** Told when an export fails: the error's message only (a collector's answer body may follow in its other fields). */
export type ExportFailure = (message: string) => void

/** An exporter that says when an export failed; OpenTelemetry's own diagnostics stay off (they are silent by default). */
class ReportingExporter implements SpanExporter {
  readonly #inner: SpanExporter
  readonly #onFailure: ExportFailure

  constructor (inner: SpanExporter, onFailure: ExportFailure) {
    this.#inner = inner
    this.#onFailure = onFailure
  }

  export (spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.#inner.export(spans, result => {
      if (result.code !== ExportResultCode.SUCCESS) {
        try {
          this.#onFailure(result.error?.message ?? 'the export failed')
        } catch {}
      }
      done(result)
    })
  }

  async shutdown (): Promise<void> {
    await this.#inner.shutdown()
  }

  async forceFlush (): Promise<void> {
    await this.#inner.forceFlush?.()
  }
}

// The context manager and the propagator are process-wide in OpenTelemetry's API. They are set by the first app that
// traces, unless something else (an SDK of the embedding process) set them already, and unset by the last one.
let users = 0
let ownContextManager = false
let ownPropagator = false

function acquireGlobals (): void {
  if (users++ > 0) return
  const manager = new AsyncLocalStorageContextManager().enable()
  ownContextManager = context.setGlobalContextManager(manager)
  if (!ownContextManager) manager.disable()
  ownPropagator = propagation.setGlobalPropagator(new W3CTraceContextPropagator())
}

function releaseGlobals (): void {
  if (--users > 0) return
  if (ownContextManager) context.disable()
  if (ownPropagator) propagation.disable()
  ownContextManager = false
  ownPropagator = false
}

export interface Tracing {
  readonly provider: TracerProvider
  readonly tracer: Tracer
  /** Sends the spans still queued and stops; never takes longer than the export timeout. */
  shutdown: () => Promise<void>
}

export function startTracing (config: TelemetryConfig, version: string, onExportFailure: ExportFailure): Tracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName, 'service.version': version }),
    sampler: sampler(config.sampler, config.ratio),
    spanProcessors: [new BatchSpanProcessor({
      exporter: new ReportingExporter(exporter(config), onExportFailure),
      maxQueueSize: MAX_QUEUE,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 5_000,
      exportTimeoutMillis: config.timeoutMs
    })]
  })
  acquireGlobals()
  let closing: Promise<void> | undefined
  return {
    provider,
    tracer: provider.getTracer('ory-bff', version),
    shutdown: async () => {
      closing ??= (async () => {
        let timer: NodeJS.Timeout | undefined
        // The provider's shutdown waits for the exporter, whose timeout bounds each request; this bounds the whole.
        const deadline = new Promise<void>(resolve => { timer = setTimeout(resolve, config.timeoutMs) })
        try {
          await Promise.race([provider.shutdown().catch(() => {}), deadline])
        } finally {
          clearTimeout(timer)
          releaseGlobals()
        }
      })()
      await closing
    }
  }
}

/** Headers that carry a trace context: the caller's are replaced by the BFF's own. */
const TRACE_HEADERS = new Set(['traceparent', 'tracestate'])

/**
 * A client span for a call about to leave the BFF, child of the active span (the request's), and the call's headers
 * with the span's W3C trace context in place of any the browser sent, so that the upstream's span is its child.
 */
export function startClientSpan<H extends Record<string, unknown>> (tracer: Tracer, name: string, attributes: Attributes, headers: H | undefined): { span: Span, headers: H } {
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes })
  const carried = {} as Record<string, unknown>
  if (headers !== undefined) {
    for (const key in headers) if (!TRACE_HEADERS.has(key.toLowerCase())) carried[key] = headers[key]
  }
  propagation.inject(trace.setSpan(context.active(), span), carried)
  return { span, headers: carried as H }
}

/** Ends a client span with the upstream's status: 4xx and 5xx are errors of the call (OpenTelemetry's HTTP rules). */
export function endClientSpan (span: Span, status: number | undefined, errorType: string | undefined): void {
  if (status !== undefined) span.setAttribute('http.response.status_code', status)
  const type = errorType ?? (status !== undefined && status >= 400 ? String(status) : undefined)
  if (type !== undefined) {
    span.setAttribute('error.type', type)
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  span.end()
}

/** The active span's ids, for log lines: undefined outside a trace. */
export function traceFields (): { trace_id: string, span_id: string } | undefined {
  const span = trace.getSpan(context.active())
  if (span === undefined) return undefined
  const { traceId, spanId } = span.spanContext()
  return { trace_id: traceId, span_id: spanId }
}
