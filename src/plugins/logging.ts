import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify'
import { destination, pino, symbols, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino'
import type { LogLevel } from '../config.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The level of the route's access-log line; health and metrics use `debug` to stay off the info log. */
    accessLogLevel?: 'debug' | 'trace'
  }
}

export const REDACTED = '[Redacted]'

/**
 * Keys whose values never reach a log line, at any depth: cookies, credentials, Ory session tokens, API keys,
 * passwords, OAuth2 tokens and client secrets, PKCE verifiers.
 */
const SECRET_KEY = /cookie|authorization|password|passwd|secret|token|api[-_]?key|credential|code[-_]?verifier/i

// pino's own redaction, for the paths Fastify's serializers produce; `scrub` covers everything else.
const REDACT_PATHS = [
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-session-token"]', 'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]', 'headers.cookie', 'headers.authorization', 'headers["set-cookie"]', 'headers["x-session-token"]'
]

const MAX_DEPTH = 8
const SERIALIZED = Symbol('ory-bff.serializedError')

/**
 * Requests and replies (Fastify's or Node's) logged as a whole become their method and path, or their status: never
 * their headers, query string, body or socket.
 */
function summarise (value: object): Record<string, unknown> | undefined {
  const candidate = value as { method?: unknown, url?: unknown, statusCode?: unknown, raw?: unknown, socket?: unknown }
  const isHttpObject = 'raw' in candidate || 'socket' in candidate
  if (!isHttpObject) return undefined
  if (typeof candidate.method === 'string' && typeof candidate.url === 'string') {
    // `url` without the query string: Fastify's own `req` serializer, which runs after this, keeps these two fields.
    return { method: candidate.method, url: candidate.url.split('?', 1)[0] }
  }
  if (typeof candidate.statusCode === 'number') return { statusCode: candidate.statusCode }
  return undefined
}

/** A copy with the values of secret-looking keys replaced, cycles and depth bounded. */
export function scrub (value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Error) return serializeError(value)
  const summary = summarise(value)
  if (summary !== undefined) return summary
  if (depth >= MAX_DEPTH) return '[Truncated]'
  if (seen.has(value)) return '[Circular]'
  seen.add(value)
  if (Array.isArray(value)) return value.map(item => scrub(item, depth + 1, seen))
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    // A string `code` is an OAuth2 authorization code (RFC 6749 §4.1.2); Ory's numeric error codes stay readable.
    const secret = SECRET_KEY.test(key) || (key === 'code' && typeof item === 'string')
    copy[key] = secret ? REDACTED : scrub(item, depth + 1, seen)
  }
  return copy
}

interface SerializedError {
  type: string
  message: string
  code?: unknown
  statusCode?: unknown
  operationId?: unknown
  status?: unknown
  reason?: unknown
  stack?: string
  cause?: SerializedError | string
}

/**
 * Errors by name, code, message and stack only. An OryUpstreamError carries Ory's headers (Set-Cookie) and body
 * (sessions, tokens): those never reach a log line.
 */
export function serializeError (err: unknown, depth = 0): SerializedError | string {
  // Already serialized by `scrub` (pino applies serializers after the log formatter).
  if (err !== null && typeof err === 'object' && SERIALIZED in err) return err as unknown as SerializedError
  if (!(err instanceof Error)) return (err !== null && typeof err === 'object' ? scrub(err) : String(err)) as SerializedError | string
  const fields = err as Error & Record<string, unknown>
  const serialized: SerializedError = { type: err.name, message: err.message }
  for (const key of ['code', 'statusCode', 'operationId', 'status', 'reason'] as const) {
    if (fields[key] !== undefined) serialized[key] = fields[key]
  }
  if (err.stack !== undefined) serialized.stack = err.stack
  if (err.cause !== undefined && depth < 3) serialized.cause = serializeError(err.cause, depth + 1)
  Object.defineProperty(serialized, SERIALIZED, { value: true, enumerable: false })
  return serialized
}

export interface LoggerOptions {
  level: LogLevel
  /** Where the JSON lines go; standard output (see batchedStdout) by default. */
  stream?: DestinationStream
}

/**
 * The lines of one turn of the event loop, written to a synchronous destination together at the end of the turn (one
 * write instead of one per request under load; at once when idle), and whatever is left when the process exits.
 */
export class BatchedLines implements DestinationStream {
  #pending = ''
  #scheduled = false
  readonly #target: { write: (text: string) => unknown }

  constructor (target: { write: (text: string) => unknown }) {
    this.#target = target
  }

  write (line: string): void {
    this.#pending += line
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(this.#flush)
  }

  readonly #flush = (): void => {
    this.#scheduled = false
    this.flushSync()
  }

  /** Writes what is pending now. */
  flushSync (): void {
    if (this.#pending === '') return
    const text = this.#pending
    this.#pending = ''
    this.#target.write(text)
  }
}

let stdout: BatchedLines | undefined
/**
 * Standard output for every logger of the process: batched per turn of the event loop, written synchronously (pino's
 * sonic-boom, which waits out a full pipe rather than losing lines or growing a buffer without bound), and flushed on
 * exit, so that nothing already logged is lost when the process ends.
 */
function batchedStdout (): BatchedLines {
  if (stdout === undefined) {
    const lines = new BatchedLines(destination({ dest: 1, sync: true }))
    process.once('exit', () => lines.flushSync())
    stdout = lines
  }
  return stdout
}

/** pino, JSON lines, with secrets redacted from every line. */
export function createLogger ({ level, stream }: LoggerOptions): Logger {
  return pino({
    level,
    base: { service: 'ory-bff' },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: {
      err: serializeError,
      error: serializeError
    },
    formatters: {
      level: label => ({ level: label }),
      log: object => scrub(object) as Record<string, unknown>
    }
  }, stream ?? batchedStdout())
}

/** The path only: query strings carry OAuth2 codes, flow ids and verification tokens. */
function pathOf (url: string): string {
  const mark = url.indexOf('?')
  return mark === -1 ? url : url.slice(0, mark)
}

const ACCESS_MESSAGE = 'request completed'

let clock = 0
let clockText = '0'
/** Date.now() as text, made once per millisecond: a busy server writes many lines in each. */
function nowText (): string {
  const now = Date.now()
  if (now !== clock) {
    clock = now
    clockText = String(now)
  }
  return clockText
}

/** Milliseconds rounded to hundredths, as a JSON number, from small integers (a double's toString is slow). */
function durationText (ms: number): string {
  const hundredths = Math.round(ms * 100)
  const whole = Math.floor(hundredths / 100)
  const fraction = hundredths - whole * 100
  if (fraction === 0) return String(whole)
  if (fraction % 10 === 0) return `${whole}.${fraction / 10}`
  return `${whole}.${fraction < 10 ? '0' : ''}${fraction}`
}

/**
 * The access-log line, written as pino writes a line of this logger (`{"level","time",<base bindings>,<fields>,"msg"}`)
 * but put together directly: its fields are the BFF's own (no headers, no query string, no body), so there is nothing
 * to redact, scrub or serialize generically, and it is the one line every request writes. The request id needs no
 * escaping (see plugins/request-id.ts: the caller's is letters, digits and `._:-` only, ours hex and dashes).
 */
function accessLine (bindings: string, level: string, request: FastifyRequest, reply: FastifyReply, route: string | undefined): string {
  const bound = request.log instanceof LazyRequestLogger ? request.log.boundText : ''
  return `{"level":"${level}","time":${nowText()}${bindings},"requestId":"${request.id}"${bound},"method":${JSON.stringify(request.method)},` +
    `"path":${JSON.stringify(pathOf(request.url))},"route":${route === undefined ? 'null' : JSON.stringify(route)},"status":${reply.statusCode},` +
    `"durationMs":${durationText(reply.elapsedTime)},"msg":"${ACCESS_MESSAGE}"}\n`
}

/** The access-log fields as an object, for the line of a broken answer (logged with its error through pino). */
function accessFields (request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  return {
    method: request.method,
    path: pathOf(request.url),
    route: request.routeOptions.url ?? null,
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 100) / 100
  }
}

/**
 * A request's logger that becomes pino's child logger (with the request id bound) only when something logs through
 * it: most requests log nothing but their access line, which needs no child.
 */
class LazyRequestLogger {
  #logger: Logger | undefined
  readonly #parent: Logger
  #bindings: Bindings
  readonly #options: ChildLoggerOptions
  /** The fields bound after the request began, as JSON members (`,"trace_id":"…"`), for the access line. */
  boundText = ''

  constructor (parent: Logger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  #real (): Logger {
    this.#logger ??= this.#parent.child(this.#bindings, this.#options)
    return this.#logger
  }

  get level (): string {
    return this.#logger?.level ?? this.#options.level ?? this.#parent.level
  }

  set level (level: string) {
    this.#real().level = level
  }

  fatal (...args: unknown[]): void { (this.#real().fatal as (...a: unknown[]) => void)(...args) }
  error (...args: unknown[]): void { (this.#real().error as (...a: unknown[]) => void)(...args) }
  warn (...args: unknown[]): void { (this.#real().warn as (...a: unknown[]) => void)(...args) }
  info (...args: unknown[]): void { (this.#real().info as (...a: unknown[]) => void)(...args) }
  debug (...args: unknown[]): void { (this.#real().debug as (...a: unknown[]) => void)(...args) }
  trace (...args: unknown[]): void { (this.#real().trace as (...a: unknown[]) => void)(...args) }
  silent (): void {}

  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options)
  }

  /**
   * pino's `setBindings`: fields for every later line of the request, the access line included (the trace's ids,
   * known once the request's first hook ran). Called by name, as on any pino logger: the telemetry plugin is a
   * bundle of its own in the image, whose copy of this class would not be this one.
   */
  setBindings (fields: Record<string, string>): void {
    if (this.#logger === undefined) this.#bindings = { ...this.#bindings, ...fields }
    else this.#logger.setBindings(fields)
    for (const name in fields) this.boundText += `,${JSON.stringify(name)}:${JSON.stringify(fields[name])}`
  }
}

/** Fastify's child logger factory: a request's logger made only when used (see LazyRequestLogger). */
export function lazyRequestLogger (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger as Logger, bindings, options) as unknown as FastifyBaseLogger
}

/**
 * Fastify's request log lines, replaced: one line per request with the request id, method, path, route, status and
 * duration. Health and metrics routes log at debug level.
 */
export class AccessLogController extends LogController {
  readonly #logger: Logger
  readonly #stream: DestinationStream
  /** The logger's base bindings as pino writes them (`,"service":"ory-bff"`). */
  readonly #bindings: string

  constructor (logger: Logger) {
    super({ requestIdLogLabel: 'requestId' })
    this.#logger = logger
    const fields = logger as unknown as Record<symbol, unknown>
    this.#stream = fields[symbols.streamSym] as DestinationStream
    this.#bindings = (fields[symbols.chindingsSym] as string | undefined) ?? ''
  }

  override incomingRequest (request: FastifyRequest): void {
    // Skip building a line that trace level would drop.
    if (this.#logger.isLevelEnabled('trace')) request.log.trace({ method: request.method, path: pathOf(request.url) }, 'request received')
  }

  override routeNotFound (): void {}

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error !== null && error !== undefined) {
      request.log.warn({ ...accessFields(request, reply), err: error }, 'request completed with a broken response')
      return
    }
    const { url, config } = request.routeOptions
    const level = config.accessLogLevel ?? 'info'
    if (!this.#logger.isLevelEnabled(level)) return
    this.#stream.write(accessLine(this.#bindings, level, request, reply, url))
  }
}
