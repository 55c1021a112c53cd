import { performance } from 'node:perf_hooks'
import { ErrorCodes, OryBffError, OryUpstreamError, type OryClient } from '../ory/index.js'

export interface UpstreamCall {
  operationId: string
  /** Ory's HTTP status, or undefined when no answer came (timeout, refused, aborted). */
  status: number | undefined
  durationSeconds: number
  /** The error's stable code when the call failed. */
  errorCode: string | undefined
}

export type UpstreamObserver = (call: UpstreamCall) => void

/**
 * A view of the client with another `call`. The client itself is left untouched, so one injected client can serve
 * several apps; every other method runs on the real instance, whose private fields a proxy could not reach.
 */
export function withCall (client: OryClient, call: OryClient['call']): OryClient {
  return new Proxy(client, {
    get (target, property) {
      if (property === 'call') return call
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

/** A view of the client that sends `requestId` as X-Request-Id with every call that does not name its own. */
export function withRequestId (client: OryClient, requestId: string): OryClient {
  // No async wrapper of its own: one promise and one tick fewer per call.
  return withCall(client, (op, params, options) => client.call(op, params, options === undefined ? { requestId } : { requestId, ...options }))
}

function report (observe: UpstreamObserver, operationId: string, started: number, status: number | undefined, errorCode: string | undefined): void {
  try {
    observe({ operationId, status, durationSeconds: (performance.now() - started) / 1000, errorCode })
  } catch {}
}

/** A span around one call to Ory (the telemetry plugin's): the call's headers with its trace context, and its end. */
export interface CallSpan {
  headers: Record<string, string>
  end: (status: number | undefined, errorCode: string | undefined) => void
}

/** Starts a CallSpan for a call about to be sent, given the headers the caller set. */
export type CallTracer = (operationId: string, method: string, headers: Record<string, string> | undefined) => CallSpan

/**
 * A view of the client whose `call` reports every operation (retries included) to `observe`, and, with tracing on,
 * runs it in a span whose trace context goes to Ory. The failure is classified here, once for metrics and traces,
 * where the client's error classes are the app's own (the telemetry plugin is a bundle of its own in the image).
 */
export function instrumentOryClient (client: OryClient, observe: UpstreamObserver, trace?: CallTracer): OryClient {
  if (trace === undefined) {
    return withCall(client, async (op, params, options) => {
      const started = performance.now()
      try {
        const result = await client.call(op, params, options)
        // A raw (buffer, stream) answer hands over any status instead of throwing: count it as the json mode would.
        // For a stream the duration ends when the headers arrive; the body is the caller's to read.
        report(observe, op.operationId, started, result.status, result.status >= 400 ? ErrorCodes.UPSTREAM_STATUS : undefined)
        return result
      } catch (err) {
        report(observe, op.operationId, started, err instanceof OryUpstreamError ? err.status : undefined, err instanceof OryBffError ? err.code : 'UNKNOWN')
        throw err
      }
    })
  }
  return withCall(client, async (op, params, options) => {
    const started = performance.now()
    const span = trace(op.operationId, op.method.toUpperCase(), options?.headers)
    try {
      const result = await client.call(op, params, { ...options, headers: span.headers })
      const errorCode = result.status >= 400 ? ErrorCodes.UPSTREAM_STATUS : undefined
      report(observe, op.operationId, started, result.status, errorCode)
      span.end(result.status, errorCode)
      return result
    } catch (err) {
      const status = err instanceof OryUpstreamError ? err.status : undefined
      const errorCode = err instanceof OryBffError ? err.code : 'UNKNOWN'
      report(observe, op.operationId, started, status, errorCode)
      span.end(status, errorCode)
      throw err
    }
  })
}
