import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Registry, type Metric, type MetricValueWithName } from 'prom-client'
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

type Labels = Record<string, string>
type Value = MetricValueWithName<string>

/**
 * One labelled series of a histogram, found once per label values and then updated with two additions and a bucket
 * increment. prom-client's own Counter and Histogram hash and validate their labels object on every observation,
 * which the `/.ory` mirror's hot path cannot afford; the exposition (and prom-client's registry) is the same.
 */
class Series {
  count = 0
  sum = 0
  /** Per bucket, not cumulative: the exposition adds them up. */
  readonly buckets = LATENCY_BUCKETS.map(() => 0)

  constructor (readonly labels: Labels) {}

  observe (seconds: number): void {
    this.count++
    this.sum += seconds
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]!) {
        this.buckets[i]!++
        return
      }
    }
  }
}

/** Series by a key made of their label values (joined with a character no label value has). */
class SeriesMap {
  readonly #series = new Map<string, Series>()

  get (key: string, labels: () => Labels): Series {
    let series = this.#series.get(key)
    if (series === undefined) {
      series = new Series(labels())
      this.#series.set(key, series)
    }
    return series
  }

  values (): IterableIterator<Series> {
    return this.#series.values()
  }

  clear (): void {
    this.#series.clear()
  }
}

/** The map under `key`, made empty on first use. */
function inner<K, V> (maps: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let map = maps.get(key)
  if (map === undefined) {
    map = new Map()
    maps.set(key, map)
  }
  return map
}

/**
 * Series found through nested maps keyed by their label values, which already carry their hash (a route's pattern, a
 * method or an operation id is the same string object on every request, a status a small integer), rather than by a
 * key string built and hashed on every request. The key string is made once, with the series.
 */
class NestedSeries extends SeriesMap {
  readonly #maps = new Map<string, Map<string, Map<string | number, Series>>>()

  /** By one or two strings and a last value: route, method and status, or operation and status (first '' then). */
  find (first: string, second: string, last: string | number, labels: () => Labels): Series {
    const byLast = inner(inner(this.#maps, first), second)
    let series = byLast.get(last)
    if (series === undefined) {
      series = this.get(`${first}\n${second}\n${last}`, labels)
      byLast.set(last, series)
    }
    return series
  }

  override clear (): void {
    this.#maps.clear()
    super.clear()
  }
}

/** A metric of the registry whose values are read from series maps when scraped. */
function register (registry: Registry, name: string, help: string, type: 'counter' | 'histogram', map: SeriesMap, values: (name: string, series: Series) => Value[]): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: [...map.values()].flatMap(series => values(name, series)) }),
    reset: () => map.clear()
  }
  registry.registerMetric(metric as unknown as Metric)
}

const counterValues = (_name: string, series: Series): Value[] => [{ labels: series.labels, value: series.count } as Value]

function histogramValues (name: string, series: Series): Value[] {
  const values: Value[] = []
  let cumulative = 0
  for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
    cumulative += series.buckets[i]!
    values.push({ metricName: `${name}_bucket`, labels: { ...series.labels, le: LATENCY_BUCKETS[i]! }, value: cumulative })
  }
  values.push(
    { metricName: `${name}_bucket`, labels: { ...series.labels, le: '+Inf' }, value: series.count },
    { metricName: `${name}_sum`, labels: series.labels, value: series.sum },
    { metricName: `${name}_count`, labels: series.labels, value: series.count }
  )
  return values
}

/** Prometheus metrics: requests by route and status, Ory calls by operation, and the process's own. */
export const metricsPlugin = fp(async function metrics (app: FastifyInstance) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  // A request's count is its duration histogram's count: one series serves both metrics.
  const requests = new NestedSeries()
  register(registry, 'http_requests_total', 'Requests answered, by method, route and status code.', 'counter', requests, counterValues)
  register(registry, 'http_request_duration_seconds', 'Time from the request\'s arrival to its answer, by method, route and status code.', 'histogram', requests, histogramValues)
  const upstreamCalls = new NestedSeries()
  register(registry, 'ory_upstream_requests_total', 'Calls to Ory by operation and status ("none" when no answer came).', 'counter', upstreamCalls, counterValues)
  const upstreamDuration = new SeriesMap()
  register(registry, 'ory_upstream_request_duration_seconds', 'Duration of calls to Ory (retries included), by operation.', 'histogram', upstreamDuration, histogramValues)
  const upstreamErrors = new NestedSeries()
  register(registry, 'ory_upstream_errors_total', 'Failed calls to Ory, by operation and error code (ORY_BFF_UPSTREAM_TIMEOUT, …).', 'counter', upstreamErrors, counterValues)

  app.decorate('metrics', {
    registry,
    observeUpstream ({ operationId, status, durationSeconds, errorCode }: UpstreamCall) {
      upstreamCalls.find(operationId, '', status ?? 'none', () => ({ operation: operationId, status: status === undefined ? 'none' : String(status) })).count++
      upstreamDuration.get(operationId, () => ({ operation: operationId })).observe(durationSeconds)
      if (errorCode !== undefined) upstreamErrors.find(operationId, '', errorCode, () => ({ operation: operationId, code: errorCode })).count++
    }
  })

  app.addHook('onResponse', function countRequest (request, reply, done) {
    // The route's pattern, never the raw URL: one series per route, whatever the paths scanners try.
    const route = request.routeOptions.url ?? 'unmatched'
    const method = request.method
    const status = reply.statusCode
    requests.find(route, method, status, () => ({ method, route, status_code: String(status) })).observe(reply.elapsedTime / 1000)
    done()
  })
  app.addHook('onClose', async function clearMetrics () {
    registry.clear()
  })
}, { name: 'metrics', fastify: '5.x' })
