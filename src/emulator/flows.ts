import { randomUUID } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { UiContainer, UiNode, UiText } from '../schemas/index.js'
import type { EmulatorContext } from './context.js'
import { isCsrfToken, maskCsrfToken, newCsrfToken, verifyCsrfToken } from './csrf.js'
import { iso } from './identities.js'
import { errors, OryHttpError, queryString, sendError, seeOther, stringField, wantsJson } from './http.js'
import type { FlowKind, FlowOf, FlowState } from './state.js'

// What the five self-service flows share: creating a flow (anti-CSRF cookie, return_to, lifespan), finding it again,
// the CSRF checks on fetch and submit, expiry, and Kratos' rules for answering a browser with a redirect and an AJAX
// or native client with JSON.

type Page = 'login' | 'registration' | 'settings' | 'recovery' | 'verification'

// A token rotated during this request: later flows of the same request (recovery's settings flow) carry it, as
// nosurf's `RegenerateToken` also puts the new token in the request's context.
const rotated = new WeakMap<FastifyRequest, string>()

function setCsrfCookie (ctx: EmulatorContext, reply: FastifyReply, token: string): void {
  // x/nosurfx/nosurf.go `NosurfBaseCookieHandler`: Domain only when `cookies.domain` is configured.
  reply.setCookie(ctx.csrfCookieName, token, {
    path: '/',
    ...(ctx.cookieDomain === undefined ? {} : { domain: ctx.cookieDomain }),
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.cookieSecure,
    // nosurf's default: a year.
    maxAge: 365 * 24 * 60 * 60
  })
}

/** The anti-CSRF cookie's token: the one the browser already has, or a new one set now. */
export function ensureCsrfCookie (ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): string {
  const fresh = rotated.get(request)
  if (fresh !== undefined) return fresh
  const existing = request.cookies[ctx.csrfCookieName]
  if (isCsrfToken(existing)) return existing
  const token = newCsrfToken()
  setCsrfCookie(ctx, reply, token)
  return token
}

/**
 * nosurf's `RegenerateToken`, which Kratos calls when a session cookie is issued (session/manager_http.go
 * `IssueCookie`), on logout (selfservice/flow/logout/handler.go `completeLogout`) and when recovery signs the user in
 * (selfservice/strategy/code/strategy_recovery.go `recoveryIssueSession`): a new token in a new cookie, so a token
 * read before the change of identity proves nothing after it. Once per request: a second call keeps the first's token.
 */
export function rotateCsrfCookie (ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): string {
  const fresh = rotated.get(request)
  if (fresh !== undefined) return fresh
  const token = newCsrfToken()
  rotated.set(request, token)
  setCsrfCookie(ctx, reply, token)
  return token
}

/** Kratos' `x.CSRFErrorReason`: one error id, with a reason that tells a developer what was wrong. */
export function csrfError (ctx: EmulatorContext, request: FastifyRequest, sentToken: string | undefined): OryHttpError {
  // x/nosurfx/nosurf.go `CSRFErrorReason` tells AJAX by `Sec-Fetch-Mode` alone, not by `Accept`.
  const secFetchMode = request.headers['sec-fetch-mode']
  const ajax = secFetchMode === 'cors' || secFetchMode === 'same-origin'
  const hint = ajax
    ? 'We detected an AJAX call, please ensure that CORS is enabled and configured correctly, and that your AJAX code sends cookies and has credentials enabled. For further debugging, check your browser\'s network tab to see what cookies are included or excluded.'
    : 'We detected a regular browser or server-side call. To debug browser calls check your browser\'s network tab to see what cookies are included or excluded. If you are calling from a server ensure that the appropriate cookies are being forwarded and that the SDK method is called correctly.'
  let rejectReason: string
  if (request.headers.cookie === undefined || request.headers.cookie === '') {
    rejectReason = 'The HTTP cookie header is empty or not set.'
  } else if (request.cookies[ctx.csrfCookieName] === undefined) {
    rejectReason = 'The HTTP cookie header was set but did not include the anti-CSRF cookie.'
  } else if (sentToken === undefined || sentToken === '') {
    rejectReason = 'The anti-CSRF cookie was found but the CSRF token was not included in the HTTP request body (csrf_token) nor in the HTTP header (X-CSRF-Token).'
  } else {
    rejectReason = 'The HTTP cookie header was set and a CSRF token was sent but they do not match. We recommend deleting all cookies for this domain and retrying the flow.'
  }
  return new OryHttpError(403, {
    id: 'security_csrf_violation',
    reason: 'Please retry the flow and optionally clear your cookies. The request was rejected to protect you from Cross-Site-Request-Forgery (CSRF) which could cause account takeover, leaking personal information, and other serious security issues.',
    message: 'The request was rejected to protect you from Cross-Site-Request-Forgery (CSRF) which could cause account takeover, leaking personal information, and other serious security issues.',
    details: { docs: 'https://www.ory.sh/docs/kratos/debug/csrf', hint, reject_reason: rejectReason }
  })
}

/**
 * `return_to` as Kratos' `x.SecureRedirectTo` checks it: relative URLs resolve against the default return URL; the
 * result must share scheme and host with an allowed URL and start with its path.
 */
export function checkReturnTo (ctx: EmulatorContext, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined
  let url: URL
  try {
    url = new URL(raw, ctx.ui('defaultReturn'))
  } catch {
    throw errors.returnToForbidden(raw)
  }
  const allowed = ctx.allowedReturnUrls.some(a => {
    if (a.protocol !== url.protocol) return false
    const hostOk = a.host.startsWith('*.') ? url.host.endsWith(a.host.slice(1)) : a.host === url.host
    return hostOk && url.pathname.startsWith(a.pathname)
  })
  if (!allowed) throw errors.returnToForbidden(raw)
  return url.href
}

export interface NewFlowOptions {
  /** Defaults to the request's `return_to`. */
  returnTo?: string
  /** Defaults to the request's URL. */
  requestUrl?: string
}

/** A replacement for an expired flow keeps its `return_to` and request URL. */
export function carriedOver (expired: FlowState | undefined): NewFlowOptions {
  return expired === undefined ? {} : { returnTo: expired.returnTo, requestUrl: expired.requestUrl }
}

/** The parts every flow has. */
function newFlowBase (ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api', options: NewFlowOptions = {}) {
  const returnTo = options.returnTo ?? checkReturnTo(ctx, queryString(request, 'return_to'))
  const now = ctx.now()
  return {
    id: randomUUID(),
    type,
    csrfToken: type === 'browser' ? maskCsrfToken(ensureCsrfCookie(ctx, request, reply)) : '',
    issuedAt: now,
    expiresAt: now + ctx.flowLifespanMs,
    updatedAt: now,
    requestUrl: options.requestUrl ?? `${ctx.baseUrl}${request.url}`,
    ...(returnTo === undefined ? {} : { returnTo }),
    courierBaseUrl: ctx.baseUrlRewrite(request.headers),
    messages: [] as UiText[],
    nodeMessages: {} as Record<string, UiText[]>,
    values: {} as Record<string, unknown>,
    continueWith: [] as Array<Record<string, unknown>>
  }
}

/** A new flow, stored: the parts every flow has, then the kind's own `fields`. */
export function newFlow<F extends FlowState> (
  ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, type: 'browser' | 'api', options: NewFlowOptions,
  fields: Omit<F, keyof ReturnType<typeof newFlowBase>>
): F {
  const flow = { ...newFlowBase(ctx, request, reply, type, options), ...fields } as F
  ctx.state.flows.set(flow.id, flow)
  return flow
}

export function flowIdFrom (request: FastifyRequest, name: 'id' | 'flow'): string {
  const id = queryString(request, name)
  if (id === undefined || id === '') throw errors.badRequest('The flow query parameter is missing or malformed.')
  return id
}

export function findFlow<K extends FlowKind> (ctx: EmulatorContext, kind: K, id: string): FlowOf<K> {
  const flow = ctx.state.flows.get(id)
  if (flow?.kind !== kind) throw errors.notFound()
  return flow as FlowOf<K>
}

export function isExpired (ctx: EmulatorContext, flow: FlowState): boolean {
  return flow.expiresAt <= ctx.now()
}

/** `GET /self-service/<kind>/flows`: a browser flow is only shown to the browser whose CSRF cookie it was made for. */
export function checkFetchCsrf (ctx: EmulatorContext, request: FastifyRequest, flow: FlowState): void {
  if (flow.type === 'browser' && flow.skipCsrf !== true && !verifyCsrfToken(request.cookies[ctx.csrfCookieName], flow.csrfToken)) {
    throw csrfError(ctx, request, flow.csrfToken)
  }
}

// selfservice/flow/request.go `EnsureCSRF`: cookies Cloudflare sets (`__cf…`, `_cf…`, `cf_…`) are not the client's.
const CLOUDFLARE_COOKIE = /^(?:__cf|_cf|cf_)/

/**
 * Kratos' `flow.EnsureCSRF` for an API flow: it has no cookie jar and so no anti-CSRF token; instead a request that
 * looks like a browser's (an `Origin` header, or cookies other than Cloudflare's) is refused with a 400, which keeps
 * a page from making a browser complete a native flow.
 */
export function browserHeadersOnApiFlow (request: FastifyRequest): OryHttpError | undefined {
  if (typeof request.headers.origin === 'string' && request.headers.origin !== '') {
    return errors.badRequest('The HTTP Request Header included the "Origin" key, indicating that this request was made as part of an AJAX request in a Browser. The flow however was initiated as an API request. To prevent potential misuse and mitigate several attack vectors including CSRF, the request has been blocked. Please consult the documentation.')
  }
  const cookies = Object.keys(request.cookies).filter(name => !CLOUDFLARE_COOKIE.test(name))
  if (cookies.length > 0) {
    return new OryHttpError(400, {
      reason: 'The HTTP Request Header included the "Cookie" key, indicating that this request was made by a Browser. The flow however was initiated as an API request. To prevent potential misuse and mitigate several attack vectors including CSRF, the request has been blocked. Please consult the documentation.',
      details: { 'found cookies': cookies }
    })
  }
  return undefined
}

/**
 * Kratos' `flow.EnsureCSRF` on submit. Browser flows: the `csrf_token` field (or `X-CSRF-Token`) must match the
 * anti-CSRF cookie. API flows: see `browserHeadersOnApiFlow`.
 */
export function checkSubmitCsrf (ctx: EmulatorContext, request: FastifyRequest, flow: FlowState, body: Record<string, unknown>): void {
  if (flow.type === 'api') {
    const refused = browserHeadersOnApiFlow(request)
    if (refused !== undefined) throw refused
    return
  }
  if (flow.skipCsrf === true) return
  const header = request.headers['x-csrf-token']
  const sent = stringField(body, 'csrf_token') ?? (typeof header === 'string' ? header : undefined)
  if (!verifyCsrfToken(request.cookies[ctx.csrfCookieName], sent)) throw csrfError(ctx, request, sent)
}

/** The 410 of a flow fetched after it expired, pointing at where a new one starts. */
export function fetchExpiredError (ctx: EmulatorContext, flow: FlowState, kind: Page): OryHttpError {
  if (flow.type === 'browser') {
    return new OryHttpError(410, {
      id: 'self_service_flow_expired',
      reason: `The ${kind} flow has expired. Redirect the user to the ${kind} flow init endpoint to initialize a new ${kind} flow.`,
      details: { redirect_to: ctx.url(`/self-service/${kind}/browser`, { return_to: flow.returnTo }), return_to: flow.returnTo ?? '' }
    })
  }
  return new OryHttpError(410, {
    id: 'self_service_flow_expired',
    reason: `The ${kind} flow has expired. Call the ${kind} flow init API endpoint to initialize a new ${kind} flow.`,
    details: { api: ctx.url(`/self-service/${kind}/api`) }
  })
}

/**
 * Submitting an expired flow: Kratos makes a replacement carrying an "expired" message; native and AJAX clients get a
 * 410 naming it (`use_flow_id`), browsers are sent to the UI with it.
 */
export function respondExpired (ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, expired: FlowState, replacement: FlowState, page: Page): FastifyReply {
  const now = ctx.now()
  if (expired.type === 'api' || wantsJson(request)) {
    const err = new OryHttpError(410, {
      id: 'self_service_flow_expired',
      reason: `The self-service flow expired ${((now - expired.expiresAt) / 60_000).toFixed(2)} minutes ago, initialize a new one.`,
      message: 'self-service flow expired'
    }, {
      expired_at: iso(expired.expiresAt),
      since: (now - expired.expiresAt) * 1_000_000,
      use_flow_id: replacement.id
    })
    return sendError(request, reply, err)
  }
  return seeOther(reply, ctx.uiWith(page, { flow: replacement.id }))
}

/**
 * Errors that are not about the form (CSRF, a session that is missing or already there, a forbidden return_to):
 * JSON for native and AJAX clients; browsers are sent to the error page, which reads it from `/self-service/errors`.
 */
export function forwardError (ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, err: OryHttpError, flowType?: 'browser' | 'api'): FastifyReply {
  if (flowType === 'api' || wantsJson(request)) return sendError(request, reply, err)
  const stored = ctx.state.addError(err.error, ctx.now())
  return seeOther(reply, ctx.uiWith('error', { id: stored.id }))
}

/**
 * A failed submit: the flow with its messages as a 400, or for a browser a 303 back to the form. A wrong one-time
 * code is the exception: Kratos answers it with the flow as a 200 (`status`).
 */
export function respondInvalid (ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, flow: FlowState, page: Page, json: unknown, status = 400): FastifyReply {
  flow.updatedAt = ctx.now()
  if (flow.type === 'browser' && !wantsJson(request)) return seeOther(reply, ctx.uiWith(page, { flow: flow.id }))
  return reply.code(status).send(json)
}

/** Clears what a previous submit left in the form. */
export function resetMessages (flow: FlowState): void {
  flow.messages = []
  flow.nodeMessages = {}
}

export function addNodeMessage (flow: FlowState, node: string, message: UiText): void {
  (flow.nodeMessages[node] ??= []).push(message)
}

export function uiContainer (ctx: EmulatorContext, flow: FlowState, kind: Page, nodes: UiNode[]): UiContainer {
  return {
    action: ctx.url(`/self-service/${kind}`, { flow: flow.id }),
    method: 'POST',
    nodes,
    ...(flow.messages.length === 0 ? {} : { messages: flow.messages })
  }
}

/** The fields every flow shows. */
export function flowJsonBase (ctx: EmulatorContext, flow: FlowState) {
  return {
    id: flow.id,
    type: flow.type,
    expires_at: iso(flow.expiresAt),
    issued_at: iso(flow.issuedAt),
    request_url: flow.requestUrl,
    ...(flow.returnTo === undefined ? {} : { return_to: flow.returnTo }),
    ...(flow.active === undefined ? {} : { active: flow.active })
  }
}

/** Where a finished browser flow goes: its `return_to`, or the default return URL. */
export function returnToOrDefault (ctx: EmulatorContext, flow: FlowState): string {
  return flow.returnTo ?? ctx.ui('defaultReturn')
}
