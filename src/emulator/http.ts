import type { FastifyReply, FastifyRequest } from 'fastify'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error'
}

// herodot's default messages (github.com/ory/herodot), which Kratos and Keto put in `error.message`.
const DEFAULT_MESSAGE: Record<number, string> = {
  400: 'The request was malformed or contained invalid parameters',
  401: 'The request could not be authorized',
  403: 'The requested action was forbidden',
  404: 'The requested resource could not be found',
  409: 'The resource could not be created due to a conflict',
  410: 'The requested resource is no longer available because it has expired or is otherwise invalid.',
  500: 'An internal server error occurred, please contact the system administrator'
}

export interface OryErrorFields {
  id?: string
  reason?: string
  message?: string
  details?: Record<string, unknown>
}

/**
 * An error in Ory's JSON shape, `{ "error": { id, code, status, reason, message, details } }`, with optional
 * top-level fields that some errors add (`redirect_browser_to`, `use_flow_id`, …).
 */
export class OryHttpError extends Error {
  readonly status: number
  readonly fields: OryErrorFields
  readonly extra: Record<string, unknown>

  constructor (status: number, fields: OryErrorFields = {}, extra: Record<string, unknown> = {}) {
    super(fields.reason ?? fields.message ?? DEFAULT_MESSAGE[status] ?? 'error')
    this.status = status
    this.fields = fields
    this.extra = extra
  }

  get error (): Record<string, unknown> {
    const { id, reason, details } = this.fields
    return {
      ...(id === undefined ? {} : { id }),
      code: this.status,
      status: STATUS_TEXT[this.status] ?? 'Error',
      ...(reason === undefined ? {} : { reason }),
      ...(details === undefined ? {} : { details }),
      message: this.fields.message ?? DEFAULT_MESSAGE[this.status] ?? 'An error occurred'
    }
  }

  body (requestId?: string): Record<string, unknown> {
    return { error: { ...this.error, ...(requestId === undefined ? {} : { request: requestId }) }, ...this.extra }
  }
}

export const errors = {
  badRequest: (reason: string, id?: string) => new OryHttpError(400, { id, reason }),
  notFound: (reason?: string) => new OryHttpError(404, { reason, message: 'Unable to locate the resource' }),
  conflict: (reason: string) => new OryHttpError(409, { reason }),
  // session/error.go `ErrNoSessionFound`: whoami's 401 for every request without a usable session, with no `id`.
  noSessionFound: () => new OryHttpError(401, { reason: 'No valid session credentials found in the request.' }),
  // session/manager.go `NewErrNoActiveSessionFound`: what FetchFromRequest fails with, which other handlers forward.
  sessionInactive: () => new OryHttpError(401, {
    id: 'session_inactive',
    reason: 'No active session was found in this request.',
    message: 'request does not have a valid authentication session'
  }),
  // session/handler.go `IsAuthenticated` with no handler of its own (the settings API init): the error above, reworded.
  sessionRequired: () => new OryHttpError(401, {
    id: 'session_inactive',
    reason: 'This endpoint can only be accessed with a valid session. Please log in and try again.',
    message: 'request does not have a valid authentication session'
  }),
  // selfservice/flow/settings/strategy_helper.go `OnUnauthenticated`: what a JSON request to fetch or submit a settings
  // flow gets without a session; no id.
  sessionCredentialsMissing: () => new OryHttpError(401, { reason: 'A valid Ory Session Cookie or Ory Session Token is missing.' }),
  alreadyLoggedIn: () => new OryHttpError(400, {
    id: 'session_already_available',
    reason: 'A valid session was detected and thus login is not possible. Did you forget to set `?refresh=true`?',
    message: 'you are already logged in'
  }),
  returnToForbidden: (returnTo: string) => new OryHttpError(400, {
    id: 'self_service_flow_return_to_forbidden',
    reason: `Requested return_to URL "${returnTo}" is not allowed.`
  }),
  identityMismatch: () => new OryHttpError(403, {
    id: 'security_identity_mismatch',
    reason: 'The request was made for another identity and has been blocked for security reasons.'
  }),
  identityDisabled: () => new OryHttpError(401, { reason: 'This account was disabled.', message: 'identity is disabled' }),
  browserLocationChangeRequired: (to: string) => new OryHttpError(422, {
    id: 'browser_location_change_required',
    reason: `In order to complete this flow please redirect the browser to: ${to}`,
    message: 'browser location change required'
  }, { redirect_browser_to: to }),
  needsPrivilegedSession: (to: string) => new OryHttpError(403, {
    id: 'session_refresh_required',
    reason: 'The login session is too old and thus not allowed to update these fields. Please re-authenticate.',
    message: 'The requested action was forbidden'
  }, { redirect_browser_to: to }),
  unauthorized: (reason: string) => new OryHttpError(401, { reason })
}

export function sendError (request: FastifyRequest, reply: FastifyReply, err: OryHttpError): FastifyReply {
  return reply.code(err.status).type('application/json; charset=utf-8').send(err.body(request.id))
}

interface AcceptSpec { value: string, q: number }

function parseAccept (header: string | undefined): AcceptSpec[] {
  if (header === undefined || header.trim() === '') return []
  return header.split(',').map(part => {
    const [value = '', ...params] = part.trim().split(';')
    let q = 1
    for (const param of params) {
      const [key, raw] = param.trim().split('=')
      if (key?.trim() === 'q' && raw !== undefined) q = Number(raw)
    }
    return { value: value.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0 }
  })
}

/**
 * HTTP content negotiation as Kratos does it (golang/gddo `NegotiateContentType`): the offer with the highest
 * quality wins, an exact match beats `type/*`, which beats `*\/*`, and ties go to the earlier offer.
 */
export function negotiate (accept: string | undefined, offers: readonly string[], fallback: string): string {
  let best = fallback
  let bestQ = -1
  let bestWild = 3
  const specs = parseAccept(accept)
  for (const offer of offers) {
    for (const spec of specs) {
      if (spec.q === 0 || spec.q < bestQ) continue
      if (spec.value === '*/*') {
        if (spec.q > bestQ || bestWild > 2) { bestQ = spec.q; bestWild = 2; best = offer }
      } else if (spec.value.endsWith('/*')) {
        if (offer.startsWith(spec.value.slice(0, -1)) && (spec.q > bestQ || bestWild > 1)) { bestQ = spec.q; bestWild = 1; best = offer }
      } else if (spec.value === offer && (spec.q > bestQ || bestWild > 0)) {
        bestQ = spec.q; bestWild = 0; best = offer
      }
    }
  }
  return best
}

// x/isjsonrequest.go's offers: `text/*` and `*/*` are listed before `application/json`, so only a client that prefers
// JSON (or sends a JSON body) is one; fetch()'s default `Accept: */*`, and no `Accept` at all, are a browser.
const JSON_REQUEST_OFFERS = ['text/html', 'text/*', '*/*', 'application/json'] as const

/**
 * Kratos' `x.IsJSONRequest` (x/isjsonrequest.go): `application/json` wins the negotiation, or the request's
 * `Content-Type` is exactly `application/json`. What submits, logout and the flow error paths go by.
 */
export function wantsJson (request: FastifyRequest): boolean {
  return negotiate(request.headers.accept, JSON_REQUEST_OFFERS, 'text/html') === 'application/json' ||
    request.headers['content-type'] === 'application/json'
}

/**
 * Kratos' `x.AcceptsJSON` (x/http.go): `Accept` alone, negotiated between `text/html` and `application/json`. What a
 * browser init answers by (`x.SendFlowCompletedAsRedirectOrJSON`), so a JSON body's `Content-Type` does not count there.
 */
export function acceptsJson (request: FastifyRequest): boolean {
  return negotiate(request.headers.accept, ['text/html', 'application/json'], 'text/html') === 'application/json'
}

/** Kratos' `x.SendFlowCompletedAsRedirectOrJSON`: JSON when the client accepts it, a 303 otherwise. */
export function redirectOrJson (request: FastifyRequest, reply: FastifyReply, body: unknown, location: string, status = 200): FastifyReply {
  if (acceptsJson(request)) return reply.code(status).send(body)
  return reply.code(303).header('location', location).send()
}

export function seeOther (reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).send()
}

/**
 * Kratos decodes form fields and JSON alike, with dotted keys standing for nesting (`traits.name.first`); both end
 * up as one nested object. Prototype keys are dropped.
 */
export function normaliseBody (body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {}
  const out: Record<string, unknown> = {}
  const put = (path: string[], value: unknown): void => {
    let target = out
    for (const [index, key] of path.entries()) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') return
      if (index === path.length - 1) {
        target[key] = value !== null && typeof value === 'object' && !Array.isArray(value) ? normaliseBody(value) : value
        return
      }
      const next = target[key]
      if (next === null || typeof next !== 'object' || Array.isArray(next)) target[key] = {}
      target = target[key] as Record<string, unknown>
    }
  }
  for (const [key, value] of Object.entries(body)) put(key.split('.'), value)
  return out
}

export function stringField (body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  if (Array.isArray(value)) return typeof value[value.length - 1] === 'string' ? value[value.length - 1] as string : undefined
  return typeof value === 'string' ? value : undefined
}

export function queryString (request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name]
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined
  return typeof value === 'string' ? value : undefined
}

export function queryStrings (request: FastifyRequest, name: string): string[] {
  const value = (request.query as Record<string, unknown> | undefined)?.[name]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return typeof value === 'string' ? [value] : []
}

/** A `page_size` within Ory's bounds; anything else is a 400. */
export function pageSize (request: FastifyRequest, fallback: number, max: number): number {
  const raw = queryString(request, 'page_size') ?? queryString(request, 'per_page')
  if (raw === undefined) return fallback
  const size = Number(raw)
  if (!Number.isInteger(size) || size < 1) throw errors.badRequest('The page_size must be a positive integer.')
  return Math.min(size, max)
}

export function encodePageToken (offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url')
}

/** Page tokens are opaque to clients; a token the emulator did not issue is a 400, as with Ory's keyset tokens. */
export function decodePageToken (token: string | undefined): number {
  if (token === undefined || token === '') return 0
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o
  } catch {}
  throw errors.badRequest('The page token is invalid, do not craft your own page tokens.')
}

/**
 * One page of a list and the `Link` header that Kratos' keyset pagination sends: `rel="first"` always and
 * `rel="next"` while there is more, as relative URLs of the request's path with `page_size` and `page_token`.
 */
export function paginate<T> (request: FastifyRequest, reply: FastifyReply, items: readonly T[], fallbackSize: number, maxSize: number): T[] {
  const size = pageSize(request, fallbackSize, maxSize)
  const offset = decodePageToken(queryString(request, 'page_token'))
  const page = items.slice(offset, offset + size)
  const url = new URL(request.url, 'http://emulator.invalid')
  const link = (rel: string, token: string): string => {
    const params = new URLSearchParams(url.search)
    params.delete('per_page')
    params.delete('page')
    params.set('page_size', String(size))
    params.set('page_token', token)
    return `<${url.pathname}?${params.toString()}>; rel="${rel}"`
  }
  const links = [link('first', encodePageToken(0))]
  if (offset + size < items.length) links.push(link('next', encodePageToken(offset + size)))
  reply.header('link', links.join(','))
  return page
}
