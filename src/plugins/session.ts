import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { oryHeaders } from '../http/headers.js'
import type { Session } from '../schemas/index.js'
import { InProcessSessionStore, type SessionStore } from '../session/cache.js'
import { SessionChecker, sessionOf } from '../session/checker.js'
import { isSessionCookieName, type SessionCredentials } from '../session/key.js'
import { SessionTokenizer } from '../session/tokenizer.js'
import { ErrorCodes, HttpError } from '../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Who is signed in: Ory's whoami, coalesced per session and cached briefly (see src/session/checker.ts). */
    sessions: SessionChecker
    /** The user's Ory session as a JWT (Ory's `tokenize_as`), kept per session until shortly before its `exp`. */
    sessionTokens: SessionTokenizer
    /**
     * A preHandler for routes that need a signed-in user: sets `request.session`, or answers 401 in Ory's shape
     * (`session_inactive`). `preHandler: app.requireSession`.
     */
    requireSession: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
  interface FastifyRequest {
    /** The session that `requireSession` found; undefined on routes without it. */
    session: Session | undefined
  }
}

export interface SessionPluginOptions {
  config: Config
  /** A store of the caller's (a shared one for several replicas); default: an in-process LRU of SESSION_CACHE_MAX. */
  store?: SessionStore
  /** The clock for TTLs and `expires_at` (tests). */
  now?: () => number
}

/**
 * The mirror's operations after which a session must be forgotten at once: the ones that end sessions, and the ones
 * that change what whoami answers for the same credentials (settings change traits, a second factor raises the AAL,
 * verification marks an address verified, recovery starts a new session), so that the SPA's next whoami is Ory's.
 */
const EVICTING_OPERATIONS = new Set([
  'updateLogoutFlow', 'performNativeLogout', 'disableMySession', 'disableMyOtherSessions',
  'updateSettingsFlow', 'updateLoginFlow', 'updateVerificationFlow', 'updateRecoveryFlow'
])

/** Kratos's answer to whoami without a valid session (session_inactive), with the request id added. */
export function sessionInactive (): HttpError {
  return new HttpError(401, 'The request could not be authorized', { code: ErrorCodes.SESSION_INACTIVE, id: 'session_inactive', reason: 'No valid session credentials found in the request.' })
}

/** What a logout or revocation through the mirror must evict once Ory has answered. */
interface EvictionPlan {
  credentials: SessionCredentials | undefined
  sessionId: string | undefined
  identityId: string | undefined
}

function hooks<T> (value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/** Ory's Set-Cookie lines of a whoami answer (Ory may re-issue the session cookie), rewritten for the BFF's origin. */
export function passSetCookies (request: FastifyRequest, reply: FastifyReply, lines: string[] | undefined, config: Config): void {
  if (lines === undefined || lines.length === 0) return
  reply.header('set-cookie', config.cookieRewriter.rewrite(lines, request))
}

/**
 * `app.requireSession` looked up when a request comes, not when a route is declared: a route declared before the
 * session plugin has loaded still gets the guard (`app.requireSession` would be undefined then, and Fastify would take
 * an undefined hook for no hook at all). Without the plugin it fails closed.
 */
export async function requireSession (request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const guard = (request.server as Partial<FastifyInstance>).requireSession
  if (typeof guard !== 'function') throw new Error('requireSession needs the session plugin (src/plugins/session.ts) to be registered')
  await guard(request, reply)
}

export const sessionPlugin = fp(async function session (app: FastifyInstance, options: SessionPluginOptions) {
  const { config } = options
  const ttlMs = config.sessionCacheTtlMs
  const store = options.store ?? (ttlMs > 0 && config.sessionCacheMax > 0 ? new InProcessSessionStore(config.sessionCacheMax) : undefined)
  // A session cookie is one of Ory's (ORY_COOKIE_PATTERN): a cookie the operator says is not Ory's never goes to Ory.
  const { isOryCookie } = config
  // Kept, like sessions, only when SESSION_CACHE_TTL_MS and SESSION_CACHE_MAX allow a cache; evicted with the session.
  const sessionTokens = new SessionTokenizer({
    max: ttlMs > 0 ? config.sessionCacheMax : 0,
    now: options.now,
    oryHeaders: oryHeaders(config.oryHeaderOptions)
  })
  const sessions = new SessionChecker({
    store,
    isSessionCookie: name => isSessionCookieName(name) && isOryCookie(name),
    ttlMs: store === undefined ? 0 : ttlMs,
    now: options.now,
    // As the mirror's: Ory writes its URLs (identity.schema_url) for the BFF's origin.
    oryHeaders: oryHeaders(config.oryHeaderOptions),
    maxResponseBytes: config.mirrorMaxBufferBytes,
    onEvict: eviction => sessionTokens.evicted(eviction)
  })

  app.decorate('sessions', sessions)
  app.decorate('sessionTokens', sessionTokens)
  app.decorateRequest('session', undefined)
  app.decorate('requireSession', async function requireSession (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const answer = await sessions.resolve(request.headers, app.ory, request.id)
    passSetCookies(request, reply, answer?.headers['set-cookie'] as string[] | undefined, config)
    const found = sessionOf(answer)
    if (found === undefined) throw sessionInactive()
    request.session = found
  })

  // Logouts and revocations through the `/.ory` mirror: routes that name their operation in `config.operationId`
  // learn, before Ory is called, which session they end, and evict it once Ory has answered (before the answer is
  // written, so that the browser's next request already misses the cache).
  const plans = new WeakMap<FastifyRequest, EvictionPlan>()
  const planEviction: preHandlerHookHandler = async function planEviction (request) {
    if (!sessions.caching && !sessionTokens.caching) return
    const operationId = (request.routeOptions.config as { operationId?: string }).operationId
    let credentials = sessions.credentials(request.headers)
    if (operationId === 'performNativeLogout') {
      const token = (request.body as { session_token?: unknown } | undefined)?.session_token
      credentials = typeof token === 'string' && token !== '' ? sessions.tokenCredentials(token) : undefined
    }
    const plan: EvictionPlan = { credentials, sessionId: undefined, identityId: undefined }
    plans.set(request, plan)
    if (credentials === undefined || operationId === 'disableMySession') return
    // From the cache only: the mirror makes one call to Ory per request. When the request's own session is not
    // cached, the keys of its other sessions are unlikely to be, and expire with their TTL anyway.
    const known = (await sessions.peek(credentials.key))?.session
    plan.sessionId = known?.id
    plan.identityId = known?.identity?.id
  }
  const evict: onSendHookHandler = async function evictAfterLogout (request, _reply, payload) {
    const plan = plans.get(request)
    if (plan === undefined) return payload
    const operationId = (request.routeOptions.config as { operationId?: string }).operationId
    if (operationId === 'disableMySession') {
      const id = (request.params as { id?: string }).id
      if (id !== undefined) await sessions.evictSession(id)
    } else if (operationId === 'disableMyOtherSessions') {
      if (plan.identityId !== undefined) await sessions.evictIdentity(plan.identityId, plan.credentials?.key)
    } else {
      if (plan.credentials !== undefined) await sessions.evictKey(plan.credentials.key)
      if (plan.sessionId !== undefined) await sessions.evictSession(plan.sessionId)
    }
    return payload
  }
  app.addHook('onRoute', function evictOnLogout (route: RouteOptions) {
    const operationId = (route.config as { operationId?: unknown } | undefined)?.operationId
    if (typeof operationId !== 'string' || !EVICTING_OPERATIONS.has(operationId)) return
    route.preHandler = [...hooks(route.preHandler), planEviction]
    route.onSend = [...hooks(route.onSend), evict]
  })
}, { name: 'ory-bff-session', fastify: '5.x', dependencies: ['ory-client'] })
