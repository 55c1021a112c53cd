import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify'
import { destination, pino, type DestinationStream, type Logger } from 'pino'
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
  /** Where the JSON lines go; standard output, written synchronously so that nothing is lost at exit. */
  stream?: DestinationStream
}

/** pino, JSON lines, with secrets redacted from every line. */
export function createLogger ({ level, stream }: LoggerOptions): FastifyBaseLogger {
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
      log: object => object instanceof AccessLine ? object : scrub(object) as Record<string, unknown>
    }
  }, stream ?? destination({ dest: 1, sync: true }))
}

/** The path only: query strings carry OAuth2 codes, flow ids and verification tokens. */
function pathOf (url: string): string {
  const mark = url.indexOf('?')
  return mark === -1 ? url : url.slice(0, mark)
}

/**
 * The access-log line: its fields are the BFF's own (no headers, no query string, no body), so `scrub` need not copy
 * it; every other object still is scrubbed.
 */
class AccessLine {
  readonly method: string
  readonly path: string
  readonly route: string | null
  readonly status: number
  readonly durationMs: number

  constructor (request: FastifyRequest, reply: FastifyReply) {
    this.method = request.method
    this.path = pathOf(request.url)
    this.route = request.routeOptions.url ?? null
    this.status = reply.statusCode
    this.durationMs = Math.round(reply.elapsedTime * 100) / 100
  }
}

/**
 * Fastify's request log lines, replaced: one line per request with the request id (bound to the child logger as
 * `requestId`), method, path, route, status and duration. Health and metrics routes log at debug level.
 */
export class AccessLogController extends LogController {
  constructor () {
    super({ requestIdLogLabel: 'requestId' })
  }

  override incomingRequest (request: FastifyRequest): void {
    // The app's logger is always pino's (createLogger): skip building a line that trace level would drop.
    if ((request.log as unknown as Logger).isLevelEnabled('trace')) request.log.trace({ method: request.method, path: pathOf(request.url) }, 'request received')
  }

  override routeNotFound (): void {}

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error !== null && error !== undefined) {
      request.log.warn({ ...new AccessLine(request, reply), err: error }, 'request completed with a broken response')
      return
    }
    request.log[request.routeOptions.config.accessLogLevel ?? 'info'](new AccessLine(request, reply), 'request completed')
  }
}
