import { PassThrough, type Readable } from 'node:stream'
import { Pool, type Dispatcher } from 'undici'
import { DEFAULT_CONSOLE_URL, USER_AGENT } from '../constants.js'
import {
  OryAbortError, OryArgumentError, OryBadResponseError, OryBffError, OryConfigError, OryTimeoutError, OryUnavailableError,
  OryUpstreamError
} from './errors.js'
import type { Headers, OperationSpec, OryResult } from './operation.js'
import { authHeaders, buildRequest, type BodyType, type CallAuth, type Credentials } from './request.js'
import { collect, decodeBody, type Abortable } from './response.js'
import { backoff, DEFAULT_RETRY, isIdempotent, isRetryableStatus, retryAfter, wait, type RetryOptions } from './retry.js'

export type { OryResult } from './operation.js'

type Validate = typeof import('../schemas/validator.js').validate
let responseValidator: Promise<Validate> | undefined
/** The response validator brings every Ory model with it: loaded on first use, never when responses go unchecked. */
async function loadValidator (): Promise<Validate> {
  responseValidator ??= import('../schemas/validator.js').then(module => module.validate)
  return await responseValidator
}

/**
 * How a call hands over Ory's answer. `json` (the default): the body decoded, and a status outside 2xx/3xx thrown as
 * an OryUpstreamError. `buffer`: the body as the bytes Ory sent (size limit applied), with whatever status Ory
 * answered, for callers that pass answers on without decoding them (the `/.ory` mirror). `stream`: the same, with
 * the body unread; the caller must consume or destroy it. Transport failures throw in every mode.
 */
export type ResponseType = 'json' | 'buffer' | 'stream'

/** An answer in `buffer` or `stream` mode. Header names are lower-case; `set-cookie` is always an array. */
export interface OryRawResponse<Body extends Buffer | Readable = Buffer> {
  readonly operationId: string
  readonly status: number
  readonly headers: Headers
  readonly body: Body
}

/** What `call` resolves with in each response mode. */
export type CallResult<Op extends OperationSpec, R extends ResponseType> =
  R extends 'buffer' ? OryRawResponse<Buffer>
    : R extends 'stream' ? OryRawResponse<Readable>
      : OryResult<Op>

export { DEFAULT_CONSOLE_URL }

export interface OryClientOptions {
  /**
   * The project API: `https://<slug>.projects.oryapis.com`, a custom domain, or self-hosted Kratos/Hydra/Keto behind
   * one origin. Required: unlike Ory's SDKs there is no default project to fall back to.
   */
  url: string | URL
  /** Project API key, sent only to operations that ask for `oryAccessToken`. */
  apiKey?: string
  /** Console API, for the project, workspace and events groups. */
  consoleUrl?: string | URL
  /** Workspace API key, sent only to operations that ask for `oryWorkspaceApiKey`. */
  workspaceApiKey?: string
  /** Dispatchers to use instead of the client's own pools (tests, proxies). The client never closes these. */
  dispatcher?: Dispatcher
  consoleDispatcher?: Dispatcher
  /** Connections per origin. */
  connections?: number
  keepAliveTimeoutMs?: number
  connectTimeoutMs?: number
  /** Until the response's headers have arrived. */
  headersTimeoutMs?: number
  /** Longest silence while the body arrives. */
  bodyTimeoutMs?: number
  /** The whole call, retries included. */
  timeoutMs?: number
  /** Larger answers are refused with a 502. */
  maxResponseBytes?: number
  /** Retries of idempotent calls on connection errors and 502/503/504; `false` for none. */
  retry?: Partial<RetryOptions> | false
  userAgent?: string
  /** Check every successful body against the operation's model; off in production, on in tests. */
  validateResponses?: boolean
}

/**
 * A caller's signal: an AbortSignal, or an EventEmitter that emits `abort` and has `aborted` and `reason` (which
 * undici accepts as well), cheaper to make once per request on a hot path.
 */
export type CallSignal = AbortSignal | AbortEmitter

export interface AbortEmitter {
  readonly aborted: boolean
  readonly reason?: unknown
  once: (event: 'abort', listener: () => void) => unknown
  removeListener: (event: 'abort', listener: () => void) => unknown
}

export interface CallOptions {
  signal?: CallSignal
  /** Sent as `X-Request-Id`, so Ory's logs and ours can be joined. */
  requestId?: string
  /** Credentials for the per-call schemes: session token, basic, bearer, OAuth2 access token. */
  auth?: CallAuth
  /** Extra request headers (lower-case names). They cannot replace the credentials the client sets. */
  headers?: Record<string, string>
  /** For operations that take both: send the body as JSON (default) or as an HTML form would. */
  bodyType?: BodyType
  timeoutMs?: number
  retry?: Partial<RetryOptions> | false
  validateResponse?: boolean
  /** This call's limit on the size of Ory's answer (`json` and `buffer`), instead of the client's. */
  maxResponseBytes?: number
  /**
   * Where to send this call instead of the operation's own URL: an absolute http(s) URL that replaces the origin, the
   * base path and the path template, such as the `token_endpoint` an OpenID Provider's discovery document names. The
   * operation's query parameters are appended to the endpoint's own query. Only for operations without path
   * parameters. The project's and the console's pools serve their own origins; another origin gets a pool of its own,
   * owned and closed by the client (at most MAX_EXTRA_ORIGINS), unless a `dispatcher` was injected, which then
   * carries every origin and so must route by origin (an Agent, a MockAgent, a ProxyAgent).
   */
  endpoint?: string | URL
}

/** How many origins besides the project's and the console's a client opens pools for. */
export const MAX_EXTRA_ORIGINS = 16

interface Api {
  origin: string
  basePath: string
  dispatcher: Dispatcher
  /** Set when the call goes to a caller's endpoint: its path and query replace the operation's path. */
  endpoint?: URL
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
/** Failures to reach Ory or to keep the connection: safe to retry when the request is idempotent. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED'
])

const LINE_BREAK = /[\r\n\0]/
/** WHATWG URL parsing drops tabs and line breaks silently, so they are looked for in the text, before parsing. */
const URL_CONTROL = /[\t\r\n\0]/

function onDeadline (state: CallState): void {
  state.timedOut = true
  state.abort(new DOMException('The call to Ory timed out', 'TimeoutError'))
}

/**
 * One call's deadline and cancellation. The request in flight is cut short through undici's own abort function
 * (see `collect`); an AbortSignal is made only when something needs one (a streamed body, the wait before a retry):
 * an AbortController per call, plus AbortSignal.timeout() and AbortSignal.any(), cost more than the rest of the
 * client's hot path together.
 */
class CallState implements Abortable {
  aborted = false
  reason: unknown = undefined
  timedOut = false
  current: ((reason: unknown) => void) | undefined = undefined
  #controller: AbortController | undefined
  readonly #timer: NodeJS.Timeout
  readonly #caller: CallSignal | undefined
  readonly #onCallerAbort: (() => void) | undefined

  constructor (timeoutMs: number, caller: CallSignal | undefined) {
    this.#timer = setTimeout(onDeadline, timeoutMs, this)
    this.#timer.unref()
    this.#caller = caller
    if (caller === undefined) return
    if (caller.aborted) {
      this.abort(caller.reason)
      return
    }
    this.#onCallerAbort = () => this.abort(caller.reason)
    if ('addEventListener' in caller) caller.addEventListener('abort', this.#onCallerAbort, { once: true })
    else caller.once('abort', this.#onCallerAbort)
  }

  abort (reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const current = this.current
    this.current = undefined
    current?.(reason)
    this.#controller?.abort(reason)
  }

  /** An AbortSignal that follows this call, for the APIs that take nothing else. */
  get signal (): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.aborted) this.#controller.abort(this.reason)
    }
    return this.#controller.signal
  }

  /** The call is over: its timer and its listener on the caller's signal go. Returns `value`, for `return`/`throw`. */
  finish<T>(value?: T): T {
    clearTimeout(this.#timer)
    const caller = this.#caller
    if (caller !== undefined && this.#onCallerAbort !== undefined) {
      if ('removeEventListener' in caller) caller.removeEventListener('abort', this.#onCallerAbort)
      else caller.removeListener('abort', this.#onCallerAbort)
    }
    return value as T
  }
}

function parseUrl (name: string, value: string | URL): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new OryConfigError(`${name} is not a URL: ${String(value)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OryConfigError(`${name} must be http(s): ${url.href}`)
  if (url.search !== '' || url.hash !== '') throw new OryConfigError(`${name} must not have a query or fragment: ${url.href}`)
  // Credentials in the URL would be dropped silently by the request path; keys belong in apiKey/workspaceApiKey.
  if (url.username !== '' || url.password !== '') throw new OryConfigError(`${name} must not contain credentials`)
  return url
}

/** A call's `endpoint`: an absolute http(s) URL without credentials, fragment or control characters. */
function parseEndpoint (operationId: string, value: string | URL): URL {
  const text = typeof value === 'string' ? value : value.href
  const refuse = (why: string): OryArgumentError => new OryArgumentError(`${operationId}: the endpoint ${why}`, { operationId })
  if (URL_CONTROL.test(text)) throw refuse('contains a control character')
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw refuse('is not an absolute URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`must be http(s), not ${url.protocol}`)
  // Credentials in the URL would be dropped by undici; a client's credentials go in `auth`.
  if (url.username !== '' || url.password !== '') throw refuse('must not contain credentials')
  // `#` alone parses to an empty hash: look at the text as well.
  if (url.hash !== '' || text.includes('#')) throw refuse('must not have a fragment')
  return url
}

function positive (name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback
  if (!Number.isFinite(result) || result <= 0) throw new OryConfigError(`${name} must be a positive number, got ${String(value)}`)
  return result
}

/**
 * A typed client for Ory's API on undici: one pool per origin, timeouts, a response size limit, retries for
 * idempotent calls, and typed results per status code. Call it through the functions of `src/ory/generated`.
 */
export class OryClient {
  readonly #apis: Record<'project' | 'console', Api>
  readonly #owned: Dispatcher[] = []
  readonly #credentials: Credentials
  readonly #timeouts: { headers: number, body: number, total: number }
  readonly #maxResponseBytes: number
  readonly #retry: RetryOptions
  readonly #userAgent: string
  readonly #validate: boolean
  /** Pools for the origins of `endpoint`s other than the project's and the console's, created on first use. */
  readonly #extra = new Map<string, Dispatcher>()
  readonly #injected: Dispatcher | undefined
  readonly #newPool: (origin: string) => Dispatcher
  #closed = false

  constructor (options: OryClientOptions) {
    if (options?.url === undefined || options.url === '') {
      throw new OryConfigError('the Ory URL is required: the client never falls back to a default project')
    }
    const project = parseUrl('url', options.url)
    const consoleUrl = parseUrl('consoleUrl', options.consoleUrl ?? DEFAULT_CONSOLE_URL)
    const connectTimeout = positive('connectTimeoutMs', options.connectTimeoutMs, 5_000)
    this.#timeouts = {
      headers: positive('headersTimeoutMs', options.headersTimeoutMs, 15_000),
      body: positive('bodyTimeoutMs', options.bodyTimeoutMs, 15_000),
      total: positive('timeoutMs', options.timeoutMs, 30_000)
    }
    this.#maxResponseBytes = positive('maxResponseBytes', options.maxResponseBytes, 16 * 1024 * 1024)
    this.#retry = options.retry === false ? { ...DEFAULT_RETRY, retries: 0 } : { ...DEFAULT_RETRY, ...options.retry }
    this.#userAgent = options.userAgent ?? USER_AGENT
    this.#validate = options.validateResponses ?? false
    this.#credentials = { apiKey: options.apiKey, workspaceApiKey: options.workspaceApiKey }

    const pools = new Map<string, Dispatcher>()
    this.#newPool = origin => {
      const pool = new Pool(origin, {
        connections: options.connections ?? 64,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
        connect: { timeout: connectTimeout },
        headersTimeout: this.#timeouts.headers,
        bodyTimeout: this.#timeouts.body
      })
      this.#owned.push(pool)
      return pool
    }
    this.#injected = options.dispatcher
    const dispatcherFor = (url: URL, injected: Dispatcher | undefined): Dispatcher => {
      if (injected !== undefined) return injected
      let pool = pools.get(url.origin)
      if (pool === undefined) {
        pool = this.#newPool(url.origin)
        pools.set(url.origin, pool)
      }
      return pool
    }
    const api = (url: URL, injected: Dispatcher | undefined): Api => ({
      origin: url.origin,
      basePath: url.pathname.replace(/\/+$/, ''),
      dispatcher: dispatcherFor(url, injected)
    })
    this.#apis = { project: api(project, options.dispatcher), console: api(consoleUrl, options.consoleDispatcher) }
  }

  /** The origin and base path an operation group is sent to. */
  baseUrl (api: 'project' | 'console'): string {
    return `${this.#apis[api].origin}${this.#apis[api].basePath}`
  }

  /** Calls one operation of the table. The generated functions are the typed way in. */
  async call<Op extends OperationSpec, R extends ResponseType = 'json'>(
    op: Op,
    params: object,
    options: CallOptions & { responseType?: R } = {}
  ): Promise<CallResult<Op, R>> {
    if (this.#closed) throw new OryUnavailableError('the Ory client is closed', { operationId: op.operationId })
    const api = options.endpoint === undefined ? this.#apis[op.api] : this.#endpointApi(op, options.endpoint)
    const built = buildRequest(op, params as Record<string, unknown>, { basePath: api.basePath, bodyType: options.bodyType, endpoint: api.endpoint })
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#userAgent }
    // Names are folded to lower case so that `Authorization` from a caller cannot sit beside, and win over, ours.
    const extra = options.headers
    if (extra !== undefined) for (const name in extra) headers[name.toLowerCase()] = extra[name]!
    Object.assign(headers, built.headers, authHeaders(op, options.auth === undefined ? this.#credentials : { ...this.#credentials, ...options.auth }))
    if (options.requestId !== undefined) headers['x-request-id'] = options.requestId
    for (const name in headers) {
      // A line break would let a value smuggle in headers of its own. undici refuses one too, an injected dispatcher may not.
      if (LINE_BREAK.test(headers[name]!)) {
        throw new OryArgumentError(`${op.operationId}: the header ${name} contains a line break`, { operationId: op.operationId })
      }
    }

    const retry = options.retry === undefined ? this.#retry : options.retry === false ? { ...this.#retry, retries: 0 } : { ...this.#retry, ...options.retry }
    const attempts = isIdempotent(op.method) ? retry.retries + 1 : 1
    // One timer per call and no AbortSignal unless a stream or a retry's wait needs one: see CallState.
    const state = new CallState(options.timeoutMs ?? this.#timeouts.total, options.signal)
    const responseType = options.responseType ?? 'json'
    const limit = options.maxResponseBytes === undefined ? this.#maxResponseBytes : positive('maxResponseBytes', options.maxResponseBytes, 1)
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= attempts
      let delay: number
      try {
        const result = await this.#send(op, api, built.path, headers, built.body, state, { responseType, limit, retrying: !last })
        if (last || !isRetryableStatus(result.status)) {
          if (responseType !== 'json') {
            // A streamed body is still being read after the call returns: the deadline and the caller's signal stay on it.
            const body = responseType === 'stream' ? this.#streamed(op, result.body as Readable, options.signal, state) : state.finish(result.body)
            return { operationId: op.operationId, status: result.status, headers: result.headers, body } as CallResult<Op, R>
          }
          const validate = (options.validateResponse ?? this.#validate) ? await loadValidator() : undefined
          return state.finish(this.#settle(op, result, validate) as CallResult<Op, R>)
        }
        delay = retryAfter(result.headers['retry-after'], retry.maxDelayMs) ?? backoff(attempt, retry)
      } catch (err) {
        const mapped = this.#mapError(op, err, options.signal, state.timedOut)
        if (last || !(mapped instanceof OryUnavailableError) || !mapped.retryable) throw state.finish(mapped)
        delay = backoff(attempt, retry)
      }
      try {
        await wait(delay, state.signal)
      } catch (err) {
        throw state.finish(this.#mapError(op, err, options.signal, state.timedOut))
      }
    }
  }

  /** Where a call with an `endpoint` goes: the origin, the endpoint's path and query, and the dispatcher for that origin. */
  #endpointApi (op: OperationSpec, endpoint: string | URL): Api & { endpoint: URL } {
    const url = parseEndpoint(op.operationId, endpoint)
    if (op.params.some(param => param.in === 'path')) {
      // The endpoint replaces the path template: the path parameters would be dropped without a word.
      throw new OryArgumentError(`${op.operationId} has path parameters and cannot be sent to an endpoint`, { operationId: op.operationId })
    }
    return { origin: url.origin, basePath: '', dispatcher: this.#dispatcherFor(op, url.origin), endpoint: url }
  }

  #dispatcherFor (op: OperationSpec, origin: string): Dispatcher {
    for (const api of [this.#apis.project, this.#apis.console]) if (api.origin === origin) return api.dispatcher
    if (this.#injected !== undefined) return this.#injected
    let pool = this.#extra.get(origin)
    if (pool === undefined) {
      // Endpoints come from configuration and discovery documents, which name a handful of origins: more means a
      // document or a caller gone wrong, and a pool (with its sockets) per origin must not grow without bound.
      if (this.#extra.size >= MAX_EXTRA_ORIGINS) {
        throw new OryConfigError(
          `${op.operationId}: the client already has pools for ${MAX_EXTRA_ORIGINS} other origins and will not open one for ${origin}`,
          { operationId: op.operationId }
        )
      }
      pool = this.#newPool(origin)
      this.#extra.set(origin, pool)
    }
    return pool
  }

  async #send (
    op: OperationSpec,
    api: Api,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    state: CallState,
    mode: { responseType: ResponseType, limit: number, retrying: boolean }
  ): Promise<{ status: number, headers: Headers, body: unknown }> {
    const request = {
      origin: api.origin,
      path,
      method: op.method,
      headers,
      body,
      headersTimeout: this.#timeouts.headers,
      bodyTimeout: this.#timeouts.body
    }
    if (mode.responseType !== 'stream') {
      // Read whole: straight from undici's dispatch handler into one Buffer, without a body stream.
      const response = await collect(api.dispatcher, request, mode.limit, op.operationId, state)
      const received: Headers = response.headers
      // undici gives a single Set-Cookie as a string; callers forward cookies as a list, whatever their number.
      if (typeof received['set-cookie'] === 'string') received['set-cookie'] = [received['set-cookie']]
      if (mode.responseType === 'buffer') return { status: response.status, headers: received, body: response.body }
      return { status: response.status, headers: received, body: decodeBody(response.body, received['content-type'], { operationId: op.operationId, status: response.status }) }
    }
    const response = await api.dispatcher.request({ ...request, signal: state.signal })
    const received: Headers = response.headers
    if (typeof received['set-cookie'] === 'string') received['set-cookie'] = [received['set-cookie']]
    // An answer that is about to be retried is not handed over: its body is read and thrown away (a large one is cut
    // off, and its connection with it).
    if (mode.retrying && isRetryableStatus(response.statusCode)) await response.body.dump().catch(() => {})
    return { status: response.statusCode, headers: received, body: response.body }
  }

  /**
   * A streamed body as the caller gets it: its failures are the call's, mapped as any other (a body that stalls is a
   * 504, a connection reset halfway a 502, never undici's own error for a server to answer 500 with), and the call is
   * finished (its deadline and its listener on the caller's signal) once the body is done with.
   */
  #streamed (op: OperationSpec, body: Readable, callerSignal: CallSignal | undefined, state: CallState): Readable {
    const out = new PassThrough()
    body.on('error', err => out.destroy(this.#mapError(op, err, callerSignal, state.timedOut)))
    out.on('close', () => {
      body.destroy()
      state.finish()
    })
    return body.pipe(out)
  }

  #settle<Op extends OperationSpec>(op: Op, result: { status: number, headers: Headers, body: unknown }, validate: Validate | undefined): OryResult<Op> {
    const { status, headers, body } = result
    if (status < 200 || status >= 400) throw new OryUpstreamError(op.operationId, status, headers, body)
    if (validate !== undefined) {
      const schema = op.responses[String(status)]
      if (schema === undefined) {
        throw new OryBadResponseError(`Ory answered ${op.operationId} with ${status}, which the spec does not document`, { operationId: op.operationId, status })
      }
      if (schema !== null && body !== undefined) {
        const errors = validate(schema, body)
        if (errors.length > 0) {
          const first = errors[0]!
          throw new OryBadResponseError(
            `Ory's ${status} answer to ${op.operationId} does not match the spec: ${first.path} ${first.message}`,
            { operationId: op.operationId, status, errors }
          )
        }
      }
    }
    return { operationId: op.operationId, status, headers, body } as OryResult<Op>
  }

  #mapError (op: OperationSpec, err: unknown, callerSignal: CallSignal | undefined, timedOut: boolean): OryBffError {
    if (err instanceof OryBffError) return err
    const operationId = op.operationId
    if (callerSignal?.aborted === true) return new OryAbortError(`the call to ${operationId} was aborted`, { cause: err, operationId })
    if (timedOut) {
      return new OryTimeoutError(`Ory did not answer ${operationId} in time`, { cause: err, operationId, reason: 'The upstream request timed out.' })
    }
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
      return new OryTimeoutError(`Ory did not answer ${operationId} in time (${code})`, { cause: err, operationId, reason: 'The upstream request timed out.' })
    }
    const message = err instanceof Error ? err.message : String(err)
    // undici refused the request before sending it (a header name it cannot send, say): Ory was never asked.
    if (code === 'UND_ERR_INVALID_ARG') return new OryArgumentError(`${operationId}: ${message}`, { cause: err, operationId })
    // undici's parser errors carry an `HPE_` code only sometimes (never for a status line that is not HTTP's): the name
    // is what they always share.
    if ((typeof code === 'string' && code.startsWith('HPE_')) || (err as { name?: unknown }).name === 'HTTPParserError') {
      return new OryBadResponseError(`Ory's answer to ${operationId} is not valid HTTP: ${message}`, { cause: err, operationId, reason: 'The upstream response was malformed.' })
    }
    return new OryUnavailableError(`Ory could not be reached for ${operationId}: ${message}`, {
      cause: err,
      operationId,
      reason: 'The upstream service is unavailable.',
      retryable: typeof code === 'string' && CONNECTION_CODES.has(code)
    })
  }

  /** Closes the pools the client created; injected dispatchers are left to their owners. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.all(this.#owned.map(async dispatcher => await dispatcher.close()))
  }
}

export function createOryClient (options: OryClientOptions): OryClient {
  return new OryClient(options)
}
