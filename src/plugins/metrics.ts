import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import type { UpstreamCall } from './ory-instrumentation.js'

export interface Metrics {
  /** This app's registry: not prom-client's global one, so that many apps can live in one process (tests). */
  registry: Registry
  observeUpstream: (call: UpstreamCall) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Prometheus metrics: requests by route and status, Ory calls by operation, and the process's own. */
export const metricsPlugin = fp(async function metrics (app: FastifyInstance) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests answered, by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry]
  })
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request\'s arrival to its answer, by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry]
  })
  const upstreamCalls = new Counter({
    name: 'ory_upstream_requests_total',
    help: 'Calls to Ory by operation and status ("none" when no answer came).',
    labelNames: ['operation', 'status'] as const,
    registers: [registry]
  })
  const upstreamDuration = new Histogram({
    name: 'ory_upstream_request_duration_seconds',
    help: 'Duration of calls to Ory (retries included), by operation.',
    labelNames: ['operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry]
  })
  const upstreamErrors = new Counter({
    name: 'ory_upstream_errors_total',
    help: 'Failed calls to Ory, by operation and error code (ORY_BFF_UPSTREAM_TIMEOUT, …).',
    labelNames: ['operation', 'code'] as const,
    registers: [registry]
  })

  app.decorate('metrics', {
    registry,
    observeUpstream ({ operationId, status, durationSeconds, errorCode }: UpstreamCall) {
      upstreamCalls.inc({ operation: operationId, status: status === undefined ? 'none' : String(status) })
      upstreamDuration.observe({ operation: operationId }, durationSeconds)
      if (errorCode !== undefined) upstreamErrors.inc({ operation: operationId, code: errorCode })
    }
  })

  app.addHook('onResponse', function countRequest (request, reply, done) {
    // The route's pattern, never the raw URL: one series per route, whatever the paths scanners try.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) }
    requests.inc(labels)
    requestDuration.observe(labels, reply.elapsedTime / 1000)
    done()
  })
  app.addHook('onClose', async function clearMetrics () {
    registry.clear()
  })
}, { name: 'metrics', fastify: '5.x' })
