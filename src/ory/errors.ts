import type { Headers } from './operation.js'

/** Stable codes of every error the client throws. */
export const ErrorCodes = {
  UPSTREAM_STATUS: 'ORY_BFF_UPSTREAM_STATUS',
  UPSTREAM_TIMEOUT: 'ORY_BFF_UPSTREAM_TIMEOUT',
  UPSTREAM_UNAVAILABLE: 'ORY_BFF_UPSTREAM_UNAVAILABLE',
  UPSTREAM_BAD_RESPONSE: 'ORY_BFF_UPSTREAM_BAD_RESPONSE',
  ABORTED: 'ORY_BFF_ABORTED',
  INVALID_ARGUMENT: 'ORY_BFF_INVALID_ARGUMENT',
  INVALID_CONFIG: 'ORY_BFF_INVALID_CONFIG'
} as const

export type ErrorCode = typeof ErrorCodes[keyof typeof ErrorCodes]

/** Ory's generic error body, `{ "error": { … } }`. */
export interface OryErrorBody {
  error: {
    id?: string
    code: number
    status: string
    reason?: string
    message: string
    request?: string
    details?: Record<string, unknown>
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
}

export function statusText (status: number): string {
  return STATUS_TEXT[status] ?? 'Error'
}

export interface OryBffErrorOptions {
  cause?: unknown
  operationId?: string
  reason?: string
}

/** The base of every error of the client; `statusCode` is what a server should answer with. */
export class OryBffError extends Error {
  override name = 'OryBffError'
  readonly code: ErrorCode
  readonly statusCode: number
  readonly operationId: string | undefined
  readonly reason: string | undefined

  constructor (code: ErrorCode, statusCode: number, message: string, options: OryBffErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.statusCode = statusCode
    this.operationId = options.operationId
    this.reason = options.reason
  }

  /** The error in Ory's generic error shape. */
  toOryError (requestId?: string): OryErrorBody {
    return {
      error: {
        id: this.code.toLowerCase().replace(/^ory_bff_/, ''),
        code: this.statusCode,
        status: statusText(this.statusCode),
        ...(this.reason === undefined ? {} : { reason: this.reason }),
        message: this.message,
        ...(requestId === undefined ? {} : { request: requestId })
      }
    }
  }
}

/** Ory answered with a status the operation does not treat as success. */
export class OryUpstreamError extends OryBffError {
  override name = 'OryUpstreamError'
  readonly status: number
  readonly headers: Headers
  /** Ory's body as parsed JSON (usually `{ error: … }`, or a flow for 400/410/422), text, or undefined. */
  readonly body: unknown

  constructor (operationId: string, status: number, headers: Headers, body: unknown) {
    const detail = oryMessage(body)
    super(ErrorCodes.UPSTREAM_STATUS, status, `Ory answered ${operationId} with ${status}${detail === undefined ? '' : `: ${detail}`}`, { operationId })
    this.status = status
    this.headers = headers
    this.body = body
  }

  /** Ory's own error object, when the body has one. */
  get oryError (): OryErrorBody['error'] | undefined {
    const error = (this.body as { error?: unknown } | undefined)?.error
    return error !== null && typeof error === 'object' ? error as OryErrorBody['error'] : undefined
  }
}

function oryMessage (body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined
  const { error, error_description: description } = body as { error?: unknown, error_description?: unknown }
  if (typeof error === 'object' && error !== null) {
    const { message, reason } = error as { message?: unknown, reason?: unknown }
    return [message, reason].filter(value => typeof value === 'string' && value !== '').join(' ') || undefined
  }
  // OAuth2 errors (RFC 6749 §5.2): { error, error_description }.
  if (typeof error === 'string') return typeof description === 'string' ? `${error}: ${description}` : error
  return undefined
}

/** No answer in time: connect, headers, body or the whole call. */
export class OryTimeoutError extends OryBffError {
  override name = 'OryTimeoutError'
  constructor (message: string, options: OryBffErrorOptions = {}) {
    super(ErrorCodes.UPSTREAM_TIMEOUT, 504, message, options)
  }
}

/** Ory could not be reached, or the connection broke. */
export class OryUnavailableError extends OryBffError {
  override name = 'OryUnavailableError'
  /** The request never got an answer, so an idempotent one may be sent again. */
  readonly retryable: boolean
  constructor (message: string, options: OryBffErrorOptions & { retryable?: boolean } = {}) {
    super(ErrorCodes.UPSTREAM_UNAVAILABLE, 502, message, options)
    this.retryable = options.retryable ?? false
  }
}

/** Ory's answer could not be used: too large, not the JSON it claims to be, or not what the spec says. */
export class OryBadResponseError extends OryBffError {
  override name = 'OryBadResponseError'
  readonly status: number | undefined
  readonly errors: ReadonlyArray<{ path: string, message: string }>
  constructor (message: string, options: OryBffErrorOptions & { status?: number, errors?: Array<{ path: string, message: string }> } = {}) {
    super(ErrorCodes.UPSTREAM_BAD_RESPONSE, 502, message, options)
    this.status = options.status
    this.errors = options.errors ?? []
  }
}

/** The caller's `AbortSignal` ended the call. */
export class OryAbortError extends OryBffError {
  override name = 'OryAbortError'
  constructor (message: string, options: OryBffErrorOptions = {}) {
    super(ErrorCodes.ABORTED, 499, message, options)
  }
}

/** The call's arguments do not fit the operation (a missing path parameter, say). */
export class OryArgumentError extends OryBffError {
  override name = 'OryArgumentError'
  constructor (message: string, options: OryBffErrorOptions = {}) {
    super(ErrorCodes.INVALID_ARGUMENT, 400, message, options)
  }
}

/** The client's configuration is unusable. */
export class OryConfigError extends OryBffError {
  override name = 'OryConfigError'
  constructor (message: string) {
    super(ErrorCodes.INVALID_CONFIG, 500, message)
  }
}
