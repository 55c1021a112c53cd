import type { EventEmitter } from 'node:events'
import { pipeline, Transform, type Readable } from 'node:stream'
import { Pool, type Dispatcher } from 'undici'
import { BffError, ErrorCodes, HttpError } from '../errors.js'
import { forwardResponseHeaders } from './headers.js'

// The transport of `/api/proxy`: one undici pool per API origin, owned and closed here, explicit timeouts, bodies
// streamed both ways. undici's failures become the BFF's errors in one place (as @fastify/reply-from does): no answer
// in time is a 504, anything else that keeps an answer from arriving whole is a 502, never a 500.

/** A call to an API as the route hands it over: headers already made by `forwardRequestHeaders`. */
export interface ForwardRequest {
  /** The API's origin (`https://orders.internal`). */
  origin: string
  /** Path and query as sent to the API, still percent-encoded. */
  path: string
  method: string
  headers: Record<string, string | string[]>
  /** The browser's body, streamed as it arrives; undefined for none. */
  body: Readable | undefined
  /** Fires when the browser goes away: the call to the API is cut short with it. */
  /** The browser went away: an AbortSignal, or an EventEmitter that emits `abort` and has `aborted` (undici takes both). */
  signal: AbortSignal | (EventEmitter & { readonly aborted: boolean })
}

/** The API's answer: status as it came, headers made fit for the browser, the body unread. */
export interface ForwardResponse {
  status: number
  headers: Record<string, string | string[]>
  /** Must be consumed or destroyed by the caller. */
  body: Readable
}

export interface ForwarderOptions {
  /** Longest wait for the API's headers, and longest silence while its body arrives (UPSTREAM_TIMEOUT_MS). */
  timeoutMs: number
  connectTimeoutMs?: number
  /** Connections per API origin. */
  connections?: number
  /** A dispatcher of the caller's (tests) instead of the forwarder's own pools; never closed by it. */
  dispatcher?: Dispatcher
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED'])

/** The API did not answer in time (504). */
export class ApiTimeoutError extends BffError {
  override name = 'ApiTimeoutError'
  constructor (options: { cause?: unknown } = {}) {
    super(ErrorCodes.API_UPSTREAM_TIMEOUT, 504, 'The API did not answer in time', { ...options, id: 'api_upstream_timeout', reason: 'The upstream request timed out.' })
  }
}

/** The API could not be reached, broke the connection, or answered with something that is not HTTP (502). */
export class ApiUnavailableError extends BffError {
  override name = 'ApiUnavailableError'
  constructor (options: { cause?: unknown } = {}) {
    super(ErrorCodes.API_UPSTREAM_UNAVAILABLE, 502, 'The API could not be reached', { ...options, id: 'api_upstream_unavailable', reason: 'The upstream service is unavailable or answered with something that is not HTTP.' })
  }
}

/** The browser went away before the answer came; nobody reads this answer (499 in the access log). */
export class ClientAbortedError extends BffError {
  override name = 'ClientAbortedError'
  constructor (options: { cause?: unknown } = {}) {
    super(ErrorCodes.ABORTED, 499, 'The client closed the request', options)
  }
}

/**
 * The BFF's error for a failure of a call to an API or of its body (undici's errors, a socket's), or undefined for an
 * error that is none of those. The message never names the API's address: the SPA needs to know what failed, not
 * where the API lives; the cause, with the address, goes to the log.
 */
export function apiFailure (err: unknown): BffError | undefined {
  if (err instanceof BffError) return err
  if (!(err instanceof Error)) return undefined
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return new ApiTimeoutError({ cause: err })
  if (code === 'UND_ERR_ABORTED' || err.name === 'AbortError') return new ClientAbortedError({ cause: err })
  // undici's own errors (a closed socket, a length that does not match), llhttp's (`HPE_*`: not HTTP), the system's.
  if (typeof code === 'string' && (code.startsWith('UND_ERR_') || code.startsWith('HPE_') || CONNECTION_CODES.has(code))) {
    return new ApiUnavailableError({ cause: err })
  }
  if (err.name === 'HTTPParserError') return new ApiUnavailableError({ cause: err })
  return undefined
}

/** Sends calls to the APIs: one pool per origin, made on first use, all closed by `close()`. */
export class ApiForwarder {
  readonly #pools = new Map<string, Dispatcher>()
  readonly #injected: Dispatcher | undefined
  readonly #timeoutMs: number
  readonly #connectTimeoutMs: number
  readonly #connections: number
  #closed = false

  constructor (options: ForwarderOptions) {
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) throw new RangeError(`timeoutMs must be positive, got ${options.timeoutMs}`)
    this.#timeoutMs = options.timeoutMs
    this.#connectTimeoutMs = options.connectTimeoutMs ?? Math.min(options.timeoutMs, 10_000)
    this.#connections = options.connections ?? 128
    this.#injected = options.dispatcher
  }

  #dispatcher (origin: string): Dispatcher {
    if (this.#injected !== undefined) return this.#injected
    let pool = this.#pools.get(origin)
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: this.#connections,
        connect: { timeout: this.#connectTimeoutMs },
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs
      })
      this.#pools.set(origin, pool)
    }
    return pool
  }

  /**
   * The API's answer, whatever its status (401 and 403 included: the SPA tells "the API refused" from "no session").
   * Throws ApiTimeoutError, ApiUnavailableError or ClientAbortedError when no answer comes.
   */
  async forward (request: ForwardRequest): Promise<ForwardResponse> {
    if (this.#closed) throw new ApiUnavailableError({ cause: new Error('the forwarder is closed') })
    let response: Dispatcher.ResponseData
    try {
      response = await this.#dispatcher(request.origin).request({
        origin: request.origin,
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs
      })
    } catch (err) {
      if (request.signal.aborted) throw new ClientAbortedError({ cause: err })
      throw apiFailure(err) ?? new ApiUnavailableError({ cause: err })
    }
    return { status: response.statusCode, headers: forwardResponseHeaders(response.headers), body: response.body }
  }

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const pools = [...this.#pools.values()]
    this.#pools.clear()
    // Calls still streaming are cut off: close() runs after the server stopped taking requests and drained them.
    await Promise.all(pools.map(async pool => await pool.destroy()))
  }
}

/** The browser's body is larger than BODY_LIMIT_BYTES (413). */
export function bodyTooLarge (limit: number): HttpError {
  return new HttpError(413, 'The request body is too large', { reason: `The request body is larger than ${limit} bytes.` })
}

/**
 * The browser's body as it streams on, failing with a 413 once more than `limit` bytes came: counted, never kept.
 * A declared Content-Length over the limit is refused before anything is sent (see the route's body parser).
 */
export function limitedBody (source: Readable, limit: number): Readable {
  let seen = 0
  const counter = new Transform({
    transform (chunk: Buffer, _encoding, callback) {
      seen += chunk.length
      if (seen > limit) callback(bodyTooLarge(limit))
      else callback(null, chunk)
    }
  })
  // A failure on either side ends both: the browser gone cuts the call to the API short, and the other way round.
  pipeline(source, counter, noop)
  return counter
}

function noop (): void {}
