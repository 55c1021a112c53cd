// The OpenTelemetry variables' values, read as the OpenTelemetry specification reads them
// (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/ and
// https://opentelemetry.io/docs/specs/otel/protocol/exporter/), without the SDK: config.ts checks them at start-up,
// and nothing of OpenTelemetry is loaded unless tracing is on.

export const TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const
export type TracesExporter = typeof TRACES_EXPORTERS[number]

export const TRACES_SAMPLERS = [
  'always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'
] as const
export type TracesSampler = typeof TRACES_SAMPLERS[number]

/** The specification's default: a trace the caller sampled is sampled here, a new trace always. */
export const DEFAULT_TRACES_SAMPLER: TracesSampler = 'parentbased_always_on'
/** The OTLP/HTTP endpoint when none is set (the specification's default, a collector on the same host). */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318'
export const TRACES_PATH = '/v1/traces'

/**
 * The traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, else OTEL_EXPORTER_OTLP_ENDPOINT with `v1/traces`
 * appended to its path (the specification's rule for the signal-less variable), else the default collector.
 */
export function tracesUrl (endpoint: string | undefined, tracesEndpoint: string | undefined): string {
  if (tracesEndpoint !== undefined) return tracesEndpoint
  const base = endpoint ?? DEFAULT_OTLP_ENDPOINT
  return `${base.replace(/\/+$/, '')}${TRACES_PATH}`
}

/** RFC 9110 §5.1: a header name is a token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** A field value's characters: visible ASCII, spaces and tabs (no line breaks, which would smuggle headers in). */
const HEADER_VALUE = /^[\t\x20-\x7E\x80-\xFF]*$/

/**
 * OTEL_EXPORTER_OTLP_HEADERS: `name=value` pairs separated by commas, values percent-encoded (the W3C Baggage
 * format the specification names). Throws an Error whose message never quotes a value: the values are credentials.
 */
export function parseOtlpHeaders (text: string): Record<string, string> {
  const headers: Record<string, string> = {}
  let index = 0
  for (const entry of text.split(',')) {
    index++
    if (entry.trim() === '') continue
    const equals = entry.indexOf('=')
    if (equals === -1) throw new Error(`entry ${index} is not name=value`)
    const name = entry.slice(0, equals).trim()
    if (!HEADER_NAME.test(name)) throw new Error(`entry ${index} has no valid header name before "="`)
    let value: string
    try {
      value = decodeURIComponent(entry.slice(equals + 1).trim())
    } catch {
      throw new Error(`the value of ${name} is not valid percent-encoding`)
    }
    if (!HEADER_VALUE.test(value)) throw new Error(`the value of ${name} contains a line break or a control character`)
    headers[name.toLowerCase()] = value
  }
  if (Object.keys(headers).length === 0) throw new Error('names no header')
  return headers
}

/** Whether the sampler takes OTEL_TRACES_SAMPLER_ARG (a ratio). */
export function samplerTakesRatio (sampler: TracesSampler): boolean {
  return sampler === 'traceidratio' || sampler === 'parentbased_traceidratio'
}

/** OTEL_TRACES_SAMPLER_ARG for a ratio sampler: a number from 0 to 1 (default 1), or undefined when it is not one. */
export function parseRatio (text: string | undefined): number | undefined {
  if (text === undefined) return 1
  if (!/^(0(\.[0-9]+)?|1(\.0+)?|\.[0-9]+)$/.test(text.trim())) return undefined
  return Number(text.trim())
}
