import { BffError, ErrorCodes, type ErrorCode, type Issue, type OryErrorBody } from '../errors.js'
import type { Headers } from './operation.js'

export { BffError, ErrorCodes, statusText, type ErrorCode, type OryErrorBody } from '../errors.js'

export interface OryBffErrorOptions {
  cause?: unknown
  operationId?: string
  reason?: string
}

/** The base of the client's errors, a member of the BFF's one error family; its `id` in Ory's shape comes from its code. */
export class OryBffError extends BffError {
  override name = 'OryBffError'
  declare readonly code: ErrorCode
  readonly operationId: string | undefined

  constructor (code: ErrorCode, statusCode: number, message: string, options: OryBffErrorOptions = {}) {
    super(code, statusCode, message, { cause: options.cause, reason: options.reason, id: code.toLowerCase().replace(/^ory_bff_/, '') })
    this.operationId = options.operationId
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

/** A member whose code and status are fixed: only the message, the reason and the cause vary. */
function fixedMember (name: string, code: ErrorCode, statusCode: number) {
  return class extends OryBffError {
    override name = name
    constructor (message: string, options: OryBffErrorOptions = {}) {
      super(code, statusCode, message, options)
    }
  }
}

/** No answer in time: connect, headers, body or the whole call. */
export class OryTimeoutError extends fixedMember('OryTimeoutError', ErrorCodes.UPSTREAM_TIMEOUT, 504) {}

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
  readonly errors: readonly Issue[]
  constructor (message: string, options: OryBffErrorOptions & { status?: number, errors?: Issue[] } = {}) {
    super(ErrorCodes.UPSTREAM_BAD_RESPONSE, 502, message, options)
    this.status = options.status
    this.errors = options.errors ?? []
  }
}

/** The caller's `AbortSignal` ended the call. */
export class OryAbortError extends fixedMember('OryAbortError', ErrorCodes.ABORTED, 499) {}

/** The call's arguments do not fit the operation (a missing path parameter, say). */
export class OryArgumentError extends fixedMember('OryArgumentError', ErrorCodes.INVALID_ARGUMENT, 400) {}

/** The client's configuration is unusable. */
export class OryConfigError extends fixedMember('OryConfigError', ErrorCodes.INVALID_CONFIG, 500) {}
