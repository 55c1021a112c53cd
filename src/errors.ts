// One family for every error the BFF and its Ory client throw: a stable `code`, the HTTP status a server answers
// with, and one way to become Ory's generic error body (`toOryError`), so that an SPA handles one format whether the
// BFF refused a request or Ory could not be reached. The error plugin (src/plugins/errors.ts) turns them into answers.

/** Stable codes of every error of the family: what logs, metrics and callers match on, never the message. */
export const ErrorCodes = {
  UPSTREAM_STATUS: 'ORY_BFF_UPSTREAM_STATUS',
  UPSTREAM_TIMEOUT: 'ORY_BFF_UPSTREAM_TIMEOUT',
  UPSTREAM_UNAVAILABLE: 'ORY_BFF_UPSTREAM_UNAVAILABLE',
  UPSTREAM_BAD_RESPONSE: 'ORY_BFF_UPSTREAM_BAD_RESPONSE',
  ABORTED: 'ORY_BFF_ABORTED',
  INVALID_ARGUMENT: 'ORY_BFF_INVALID_ARGUMENT',
  INVALID_CONFIG: 'ORY_BFF_INVALID_CONFIG',
  INVALID_INPUT: 'ORY_BFF_INVALID_INPUT',
  UNAUTHORIZED: 'ORY_BFF_UNAUTHORIZED',
  FORBIDDEN: 'ORY_BFF_FORBIDDEN',
  SESSION_INACTIVE: 'ORY_BFF_SESSION_INACTIVE',
  PERMISSION_DENIED: 'ORY_BFF_PERMISSION_DENIED',
  CROSS_SITE_REQUEST: 'ORY_BFF_CROSS_SITE_REQUEST',
  NOT_FOUND: 'ORY_BFF_NOT_FOUND',
  PAYLOAD_TOO_LARGE: 'ORY_BFF_PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'ORY_BFF_UNSUPPORTED_MEDIA_TYPE',
  DRAINING: 'ORY_BFF_DRAINING',
  OVERLOADED: 'ORY_BFF_OVERLOADED',
  NOT_READY: 'ORY_BFF_NOT_READY',
  REFUSED: 'ORY_BFF_REFUSED',
  NOT_IMPLEMENTED: 'ORY_BFF_NOT_IMPLEMENTED',
  CONFIRMATION_REQUIRED: 'ORY_BFF_CONFIRMATION_REQUIRED',
  RATE_LIMITED: 'ORY_BFF_RATE_LIMITED',
  OAUTH2_STATE_INVALID: 'ORY_BFF_OAUTH2_STATE_INVALID',
  OAUTH2_ID_TOKEN_INVALID: 'ORY_BFF_OAUTH2_ID_TOKEN_INVALID',
  OAUTH2_LOGOUT_TOKEN_INVALID: 'ORY_BFF_OAUTH2_LOGOUT_TOKEN_INVALID',
  OAUTH2_PROVIDER_ERROR: 'ORY_BFF_OAUTH2_PROVIDER_ERROR',
  TOKEN_SESSION_INVALID: 'ORY_BFF_TOKEN_SESSION_INVALID',
  TOKEN_STORE_UNAVAILABLE: 'ORY_BFF_TOKEN_STORE_UNAVAILABLE',
  API_UPSTREAM_UNAVAILABLE: 'ORY_BFF_API_UPSTREAM_UNAVAILABLE',
  API_UPSTREAM_TIMEOUT: 'ORY_BFF_API_UPSTREAM_TIMEOUT',
  INTERNAL: 'ORY_BFF_INTERNAL'
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

/** One problem of a value: the JSON Pointer (RFC 6901) into it, `''` for the whole value, and what is wrong there. */
export interface Issue {
  path: string
  message: string
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  499: 'Client Closed Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  414: 'URI Too Long',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
}

export function statusText (status: number): string {
  return STATUS_TEXT[status] ?? 'Error'
}

export interface BffErrorOptions {
  cause?: unknown
  /** Ory's `error.id`: a stable identifier the SPA may branch on (`session_inactive`, say). */
  id?: string
  /** Why it happened, for the person reading it. */
  reason?: string
  /** Ory's `details`: the problems of an invalid request, one per JSON path, say. */
  details?: Record<string, unknown>
}

/** The base of the family; `statusCode` is what a server answers with. */
export class BffError extends Error {
  override name = 'BffError'
  readonly code: string
  readonly statusCode: number
  readonly id: string | undefined
  readonly reason: string | undefined
  readonly details: Record<string, unknown> | undefined

  constructor (code: string, statusCode: number, message: string, options: BffErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.statusCode = statusCode
    this.id = options.id
    this.reason = options.reason
    this.details = options.details
  }

  /** The error in Ory's generic error shape, with the request id to quote in a report. */
  toOryError (requestId?: string): OryErrorBody {
    return {
      error: {
        ...(this.id === undefined ? {} : { id: this.id }),
        code: this.statusCode,
        status: statusText(this.statusCode),
        ...(this.reason === undefined ? {} : { reason: this.reason }),
        message: this.message,
        ...(requestId === undefined ? {} : { request: requestId }),
        ...(this.details === undefined ? {} : { details: this.details })
      }
    }
  }
}

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: ErrorCodes.INVALID_INPUT,
  401: ErrorCodes.UNAUTHORIZED,
  403: ErrorCodes.FORBIDDEN,
  404: ErrorCodes.NOT_FOUND,
  413: ErrorCodes.PAYLOAD_TOO_LARGE,
  415: ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
  428: ErrorCodes.CONFIRMATION_REQUIRED,
  429: ErrorCodes.RATE_LIMITED
}

export interface HttpErrorOptions extends BffErrorOptions {
  /** Default: the code of the status (INVALID_INPUT for 400, NOT_FOUND for 404 …). */
  code?: ErrorCode
  /** Headers of the answer (Retry-After, say). */
  headers?: Record<string, string>
}

/**
 * An answer the BFF decided on itself (invalid input, a cross-site request, draining, overloaded, not ready …),
 * thrown from hooks or handlers. A refusal, not a failure: it is logged as one.
 */
export class HttpError extends BffError {
  override name = 'HttpError'
  readonly headers: Record<string, string>

  constructor (statusCode: number, message: string, options: HttpErrorOptions = {}) {
    super(options.code ?? CODE_OF_STATUS[statusCode] ?? ErrorCodes.REFUSED, statusCode, message, options)
    this.headers = options.headers ?? {}
  }
}

/** Ory's wording for a request it refuses as malformed. */
export const INVALID_INPUT_MESSAGE = 'The request was malformed or contained invalid parameters'

/**
 * The one 400 for invalid input, whatever found the problems: Ory's error shape, each problem with the part of the
 * request it is in (`querystring`, `params`, `body`, `headers`) and its JSON path in `details.errors` (the root of
 * the value is `/` there), all of them in `reason`.
 */
export function invalidInput (part: string, issues: readonly Issue[]): HttpError {
  const errors = issues.map(({ path, message }) => ({ in: part, path: path === '' ? '/' : path, message }))
  return new HttpError(400, INVALID_INPUT_MESSAGE, {
    reason: errors.map(issue => `${issue.in}${issue.path === '/' ? '' : issue.path} ${issue.message}`).join('; '),
    details: { errors }
  })
}
