import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Session } from '../schemas/index.js'
import { SESSION_COOKIE, type EmulatorContext } from './context.js'
import { rotateCsrfCookie } from './flows.js'
import { identityJson, iso } from './identities.js'
import { randomToken, type AuthenticationMethod, type StoredIdentity, type StoredSession } from './state.js'

/** The session cookie carries the token sealed with the emulator's secret, so a cookie is not a usable API token. */
function seal (ctx: EmulatorContext, token: string): string {
  const mac = createHmac('sha256', ctx.secret).update(token).digest('base64url')
  return `${Buffer.from(token).toString('base64url')}.${mac}`
}

function unseal (ctx: EmulatorContext, value: string): string | undefined {
  const [payload, mac] = value.split('.')
  if (payload === undefined || mac === undefined) return undefined
  const token = Buffer.from(payload, 'base64url').toString('utf8')
  const expected = Buffer.from(createHmac('sha256', ctx.secret).update(token).digest('base64url'))
  const received = Buffer.from(mac)
  return expected.length === received.length && timingSafeEqual(expected, received) ? token : undefined
}

export function isUsable (ctx: EmulatorContext, session: StoredSession): boolean {
  const identity = ctx.state.identities.get(session.identityId)
  return session.active && session.expiresAt > ctx.now() && identity !== undefined && identity.state === 'active'
}

export function createSession (ctx: EmulatorContext, request: FastifyRequest, identity: StoredIdentity, method: AuthenticationMethod): StoredSession {
  const now = ctx.now()
  const session: StoredSession = {
    id: randomUUID(),
    token: randomToken('ory_st_'),
    logoutToken: randomToken('ory_lo_'),
    identityId: identity.id,
    active: true,
    issuedAt: now,
    authenticatedAt: now,
    expiresAt: now + ctx.sessionLifespanMs,
    methods: [{ method, aal: 'aal1', completedAt: now }],
    devices: [{
      id: randomUUID(),
      ipAddress: request.ip,
      ...(typeof request.headers['user-agent'] === 'string' ? { userAgent: request.headers['user-agent'] } : {})
    }]
  }
  ctx.state.sessions.set(session.id, session)
  return session
}

/**
 * Re-authentication of the session a `refresh=true` login was started with: session/manager_http.go
 * `ActivateSession`, which login's `PostLoginHook` runs on it, renews `issued_at`, `authenticated_at` and `expires_at`
 * (a full lifespan from now) and records the device; the method joins the session's AMR.
 */
export function reauthenticate (ctx: EmulatorContext, request: FastifyRequest, session: StoredSession, method: AuthenticationMethod): void {
  const now = ctx.now()
  session.issuedAt = now
  session.authenticatedAt = now
  session.expiresAt = now + ctx.sessionLifespanMs
  session.methods.push({ method, aal: 'aal1', completedAt: now })
  session.devices.push({
    id: randomUUID(),
    ipAddress: request.ip,
    ...(typeof request.headers['user-agent'] === 'string' ? { userAgent: request.headers['user-agent'] } : {})
  })
}

function bearerToken (request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization
  if (typeof authorization === 'string' && /^bearer /i.test(authorization)) return authorization.slice(7).trim()
  return undefined
}

function cookieToken (ctx: EmulatorContext, request: FastifyRequest): string | undefined {
  const cookie = request.cookies[SESSION_COOKIE]
  return cookie === undefined ? undefined : unseal(ctx, cookie)
}

/**
 * The session token a request carries, in session/manager_http.go `extractToken`'s order: the `X-Session-Token`
 * header, then the session cookie, then an `Authorization: Bearer` token. `token: false` reads the cookie only.
 */
function tokenFromRequest (ctx: EmulatorContext, request: FastifyRequest, options: { token?: boolean }): string | undefined {
  const header = request.headers['x-session-token']
  if (options.token !== false && typeof header === 'string' && header !== '') return header
  const cookie = cookieToken(ctx, request)
  if (cookie !== undefined) return cookie
  return options.token === false ? undefined : bearerToken(request)
}

/**
 * The session a request carries, as Kratos' `FetchFromRequest` finds it (see `tokenFromRequest`). Inactive, expired
 * and disabled-identity sessions count as none.
 */
export function sessionFromRequest (ctx: EmulatorContext, request: FastifyRequest, options: { token?: boolean } = {}): StoredSession | undefined {
  const token = tokenFromRequest(ctx, request, options)
  if (token === undefined) return undefined
  const session = ctx.state.sessionByToken(token)
  return session !== undefined && isUsable(ctx, session) ? session : undefined
}

function cookieBase (ctx: EmulatorContext): { path: string, domain?: string, httpOnly: true, sameSite: 'lax', secure: boolean } {
  // session/manager_http.go `IssueCookie`: Domain only when `session.cookie.domain` (or `cookies.domain`) is set.
  return { path: '/', ...(ctx.cookieDomain === undefined ? {} : { domain: ctx.cookieDomain }), httpOnly: true, sameSite: 'lax', secure: ctx.cookieSecure }
}

/**
 * session/manager_http.go `IssueCookie`: the session cookie, and a new anti-CSRF token unless the request was already
 * signed in as the same identity (a `refresh=true` login keeps it).
 */
export function setSessionCookie (ctx: EmulatorContext, reply: FastifyReply, session: StoredSession): void {
  const request = reply.request
  const prior = sessionFromRequest(ctx, request)
  if (prior?.identityId !== session.identityId) rotateCsrfCookie(ctx, request, reply)
  reply.setCookie(SESSION_COOKIE, seal(ctx, session.token), {
    ...cookieBase(ctx),
    expires: new Date(session.expiresAt),
    maxAge: Math.max(0, Math.floor((session.expiresAt - ctx.now()) / 1000))
  })
}

export function clearSessionCookie (ctx: EmulatorContext, reply: FastifyReply): void {
  reply.setCookie(SESSION_COOKIE, '', { ...cookieBase(ctx), expires: new Date(0), maxAge: 0 })
}

export interface SessionView {
  identity?: boolean
  devices?: boolean
}

export function sessionJson (ctx: EmulatorContext, session: StoredSession, view: SessionView = { identity: true, devices: true }): Session {
  const identity = ctx.state.identities.get(session.identityId)
  const json: Session = {
    id: session.id,
    active: isUsable(ctx, session),
    expires_at: iso(session.expiresAt),
    authenticated_at: iso(session.authenticatedAt),
    authenticator_assurance_level: 'aal1',
    authentication_methods: session.methods.map(m => ({ method: m.method, aal: m.aal, completed_at: iso(m.completedAt) })),
    issued_at: iso(session.issuedAt)
  }
  if (view.identity === true && identity !== undefined) json.identity = identityJson(ctx, identity)
  if (view.devices === true) {
    json.devices = session.devices.map(d => ({
      id: d.id,
      ...(d.ipAddress === undefined ? {} : { ip_address: d.ipAddress }),
      ...(d.userAgent === undefined ? {} : { user_agent: d.userAgent })
    }))
  }
  return json
}
