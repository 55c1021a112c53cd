import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler, preHandlerHookHandler, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { Gauge, Histogram } from 'prom-client'
import type { Config } from '../config.js'
import { oryHeaders } from '../http/headers.js'
import { mirrorUrlRewriter } from '../mirror/urls.js'
import { operations } from '../ory/index.js'
import type { Session } from '../schemas/index.js'
import { InProcessSessionStore, type SessionStore } from '../session/cache.js'
import { SessionChecker, sessionOf, type SessionEviction } from '../session/checker.js'
import { isSessionCookieName, type SessionCredentials } from '../session/key.js'
import { SessionTokenizer } from '../session/tokenizer.js'
import type { RedisFanout } from '../redis/fanout.js'
import { ErrorCodes, HttpError } from '../errors.js'

/** How this replica hears the others' session evictions (REDIS_URL): for readiness and metrics. */
export interface SessionFanoutStatus {
  /** Whether evictions of other replicas are heard now (the session cache is off while they are not). */
  readonly subscribed: boolean
  /** From publishing to hearing, for the last eviction heard from another replica; undefined before any. */
  readonly lastLagMs: number | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Undefined without REDIS_URL, or without anything cached per session. */
    sessionFanout: SessionFanoutStatus | undefined
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

/** What a logout or revocation through the mirror must evict once Ory has confirmed it. */
interface EvictionPlan {
  credentials: SessionCredentials | undefined
  sessionId: string | undefined
  identityId: string | undefined
}

/**
 * What Ory's Set-Cookie lines do to a session cookie: set one (a new session: login, recovery), clear one (Kratos's
 * logout purges the cookie, `MaxAge: -1`, before it answers 204 or redirects), or neither.
 */
export function sessionCookieChange (lines: string[], isSessionCookie: (name: string) => boolean, now = Date.now()): 'set' | 'cleared' | undefined {
  let change: 'set' | 'cleared' | undefined
  for (const line of lines) {
    const [pair = '', ...attributes] = line.split(';')
    const eq = pair.indexOf('=')
    if (eq < 1 || !isSessionCookie(pair.slice(0, eq).trim())) continue
    let cleared = pair.slice(eq + 1).trim() === ''
    for (const attribute of attributes) {
      const [name = '', value = ''] = attribute.split('=', 2).map(part => part.trim())
      const lower = name.toLowerCase()
      if (lower === 'max-age') cleared ||= Number(value) <= 0
      else if (lower === 'expires') cleared ||= Date.parse(value) <= now
    }
    change = cleared ? 'cleared' : 'set'
    if (change === 'set') return change
  }
  return change
}

/**
 * Whether Ory's answer confirms that the operation ended or changed the request's session, so that evicting it is
 * due: never on Ory's refusal, so that a request with a made-up cookie, token or flow costs the cache nothing.
 * The JSON and API forms answer 2xx on success. In the browser forms Kratos answers 303 on success and on failure
 * alike (to its error UI, or back to the flow's UI): there the Set-Cookie tells, a logout clearing the session cookie
 * and a login or recovery setting a new one (recovery's JSON form answers 422 browser_location_change_required with
 * the new session's cookie). A browser form's settings or verification submit sets no cookie: it is seen after
 * SESSION_CACHE_TTL_MS.
 */
function confirmed (operationId: string, status: number, setCookies: string[], isSessionCookie: (name: string) => boolean): boolean {
  if (status >= 200 && status < 300) return true
  if (operationId === 'performNativeLogout' || operationId === 'disableMySession' || operationId === 'disableMyOtherSessions') return false
  const change = sessionCookieChange(setCookies, isSessionCookie)
  return operationId === 'updateLogoutFlow' ? change === 'cleared' : change === 'set'
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

/**
 * Whoami's answer as the mirror hands it to the browser, Ory's URLs rewritten for the BFF: the form the session cache
 * keeps (one copy per entry) and every route reads. A body with nothing to rewrite stays the same bytes.
 */
function whoamiBrowserForm (config: Config): (body: Buffer) => Buffer {
  const rewriter = mirrorUrlRewriter(config)
  const from = `${config.oryUrl}${operations.toSession.path}`
  return body => {
    const rewritten = rewriter.json(body, from, operations.toSession.operationId)
    return rewritten === undefined ? body : Buffer.from(rewritten)
  }
}

/**
 * How long an eviction that could not be published (Redis down from here, not from the others) is still sent once
 * Redis is back: at least the session cache's TTL, and long enough for the session JWTs most templates mint.
 */
const FANOUT_RETAIN_MIN_MS = 15 * 60_000
/** Ids and keys are short; anything longer is not an eviction of ours. */
const MAX_ID_LENGTH = 512

function isId (value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_ID_LENGTH
}

/** An eviction as another replica published it, or undefined for anything else. */
export function parseEviction (value: unknown): SessionEviction | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const fields = value as Record<string, unknown>
  const names = Object.keys(fields).sort().join(',')
  if (names === 'key' && isId(fields.key)) return { key: fields.key }
  if (names === 'sessionId' && isId(fields.sessionId)) return { sessionId: fields.sessionId }
  if (names === 'owner,sessionId' && isId(fields.sessionId) && isId(fields.owner)) return { sessionId: fields.sessionId, owner: fields.owner }
  if ((names === 'exceptKey,identityId' || names === 'identityId') && isId(fields.identityId) && (fields.exceptKey === undefined || isId(fields.exceptKey))) {
    return { identityId: fields.identityId, exceptKey: fields.exceptKey as string | undefined }
  }
  return undefined
}

const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/**
 * The session-eviction fan-out over Redis pub/sub (src/redis/fanout.ts, loaded only then). A replica that cannot hear
 * the others (Redis down, or not yet connected at start) could serve a session another replica has logged out: until
 * it hears them again, its session cache and its session JWTs are dropped and nothing is kept, every check asking Ory.
 */
async function evictionFanout (app: FastifyInstance, sessions: SessionChecker, tokens: SessionTokenizer, retainMs: number): Promise<{ channel: RedisFanout<SessionEviction>, readonly lastLagMs: number | undefined }> {
  const { RedisFanout } = await import('../redis/fanout.js')
  const registers = [app.metrics.registry]
  const lag = new Histogram({
    name: 'ory_bff_session_fanout_lag_seconds',
    help: 'From another replica publishing a session eviction to this replica applying it.',
    buckets: LAG_BUCKETS,
    registers
  })
  let lastLagMs: number | undefined
  const channel = new RedisFanout<SessionEviction>({
    client: app.redis!,
    name: 'session-evictions',
    parse: parseEviction,
    retainMs,
    log: (level, message, fields) => app.log[level]({ redis: fields ?? {} }, message),
    onMessage (eviction, lagMs) {
      lastLagMs = lagMs
      lag.observe(lagMs / 1000)
      sessions.apply(eviction, 'remote').catch((err: unknown) => {
        // An in-process store does not fail; a store of the caller's might: nothing it holds can be trusted then.
        app.log.error({ err }, 'could not apply another replica\'s session eviction: the session cache is dropped')
        // Back on only while the other replicas are heard: if they are not, onDown's suspension stands until onUp.
        sessions.suspend().then(async () => { if (channel.subscribed) await sessions.resume() }, () => {})
      })
    },
    onDown () {
      app.log.warn('the other replicas\' session evictions cannot be heard (Redis is unreachable): the session cache is off until they can')
      tokens.suspend()
      sessions.suspend().catch((err: unknown) => app.log.error({ err }, 'could not drop the session cache'))
      app.readiness.recheck()
    },
    onUp () {
      app.log.info('hearing the other replicas\' session evictions: the session cache is on')
      tokens.resume()
      sessions.resume().catch((err: unknown) => app.log.error({ err }, 'could not resume the session cache'))
      app.readiness.recheck()
    }
  })
  // eslint-disable-next-line no-new -- registered with the app's registry, read when scraped.
  new Gauge({
    name: 'ory_bff_session_cache_suspended',
    help: 'Whether the session cache is off (1) because other replicas\' evictions cannot be heard.',
    registers,
    collect () { this.set(channel.subscribed ? 0 : 1) }
  })
  // Off until the subscription is confirmed: evictions published before it would be missed.
  tokens.suspend()
  await sessions.suspend()
  app.addHook('onReady', async function subscribeToEvictions () {
    await channel.connect()
  })
  app.addHook('onClose', async function unsubscribeFromEvictions () {
    await channel.close()
  })
  return { channel, get lastLagMs () { return lastLagMs } }
}

export const sessionPlugin = fp(async function session (app: FastifyInstance, options: SessionPluginOptions) {
  const { config } = options
  const ttlMs = config.sessionCacheTtlMs
  const ownStore = options.store === undefined && ttlMs > 0 && config.sessionCacheMax > 0 && config.sessionCacheMaxBytes > 0
    ? new InProcessSessionStore({ max: config.sessionCacheMax, maxBytes: config.sessionCacheMaxBytes, now: options.now })
    : undefined
  const store = options.store ?? ownStore
  // How long a whoami call can be out (the client's timeout, a retry included): evictions are remembered that long.
  const callWindowMs = 2 * config.upstreamTimeoutMs
  // A session cookie is one of Ory's (ORY_COOKIE_PATTERN): a cookie the operator says is not Ory's never goes to Ory.
  const { isOryCookie } = config
  // Kept, like sessions, only when SESSION_CACHE_TTL_MS, SESSION_CACHE_MAX and SESSION_CACHE_MAX_BYTES allow a cache;
  // evicted with the session.
  const sessionTokens = new SessionTokenizer({
    max: ttlMs > 0 && config.sessionCacheMaxBytes > 0 ? config.sessionCacheMax : 0,
    maxBytes: config.sessionCacheMaxBytes,
    now: options.now,
    oryHeaders: oryHeaders(config.oryHeaderOptions),
    callWindowMs
  })
  const sessions = new SessionChecker({
    store,
    isSessionCookie: name => isSessionCookieName(name) && isOryCookie(name),
    ttlMs: store === undefined ? 0 : ttlMs,
    now: options.now,
    // As the mirror's: Ory writes its URLs (identity.schema_url) for the BFF's origin.
    oryHeaders: oryHeaders(config.oryHeaderOptions),
    maxResponseBytes: config.mirrorMaxBufferBytes,
    onEvict: (eviction, origin) => {
      sessionTokens.evicted(eviction)
      if (origin === 'local') fanout?.channel.publish(eviction)
    },
    callWindowMs,
    browserForm: whoamiBrowserForm(config)
  })
  app.addHook('onClose', async function stopSweeps () {
    ownStore?.close()
    sessionTokens.close()
  })

  // With REDIS_URL, every replica hears every other's evictions; without, a replica needs nothing shared.
  const fanout = app.redis !== undefined && (sessions.caching || sessionTokens.caching)
    ? await evictionFanout(app, sessions, sessionTokens, Math.max(ttlMs, FANOUT_RETAIN_MIN_MS))
    : undefined
  app.decorate('sessionFanout', fanout === undefined
    ? undefined
    : { get subscribed () { return fanout.channel.subscribed }, get lastLagMs () { return fanout.lastLagMs } })

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
  // learn, before Ory is called, which session they end, and evict it once Ory has confirmed it (before the answer is
  // written, so that the browser's next request already misses the cache). Only the session the request carried (or,
  // for disableMySession, the one Ory revoked for it) is evicted.
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
    if (credentials === undefined) return
    // From the cache only, before Ory ends the session (whoami would say 401 after): when the request's own session
    // is not cached, the other keys of that session (a re-issued cookie) are unlikely to be, and expire with their TTL.
    const known = await sessions.peek(credentials.key)
    plan.sessionId = known?.sessionId
    plan.identityId = known?.identityId
  }
  const evict: onSendHookHandler = async function evictAfterLogout (request, reply, payload) {
    const plan = plans.get(request)
    if (plan === undefined) return payload
    const operationId = (request.routeOptions.config as { operationId?: string }).operationId ?? ''
    const setCookie = reply.getHeader('set-cookie')
    const setCookies = typeof setCookie === 'string' ? [setCookie] : Array.isArray(setCookie) ? setCookie : []
    if (!confirmed(operationId, reply.statusCode, setCookies, sessions.isSessionCookie)) return payload
    if (operationId === 'disableMySession') {
      // Kratos answers 204 for any session id (its revocation updates only the caller's rows, if any): only the
      // caller's own entries of that id may go.
      const id = (request.params as { id?: string }).id
      const owner = plan.identityId ?? await identityOf(request, plan.credentials)
      if (id !== undefined && owner !== undefined) await sessions.evictSession(id, owner)
    } else if (operationId === 'disableMyOtherSessions') {
      const identityId = plan.identityId ?? await identityOf(request, plan.credentials)
      if (identityId !== undefined) await sessions.evictIdentity(identityId, plan.credentials?.key)
    } else {
      if (plan.credentials !== undefined) await sessions.evictKey(plan.credentials.key)
      if (plan.sessionId !== undefined) await sessions.evictSession(plan.sessionId)
    }
    return payload
  }
  /**
   * The identity of the session that revoked one or all of its other sessions, when it was not cached: asked of Ory
   * (whoami, through the checker), since the caller's other sessions may well be cached even when its own is not.
   */
  async function identityOf (request: FastifyRequest, credentials: SessionCredentials | undefined): Promise<string | undefined> {
    if (credentials === undefined) return undefined
    try {
      const answer = await sessions.lookup(credentials, app.ory, request.id)
      return answer.status === 200 ? answer.session?.identity?.id : undefined
    } catch (err) {
      // Ory's answer stands; the other sessions' entries expire with their TTL.
      request.log.warn({ err }, 'could not tell whose other sessions were revoked: their cached entries expire with their TTL')
      return undefined
    }
  }

  app.addHook('onRoute', function evictOnLogout (route: RouteOptions) {
    const operationId = (route.config as { operationId?: unknown } | undefined)?.operationId
    if (typeof operationId !== 'string' || !EVICTING_OPERATIONS.has(operationId)) return
    route.preHandler = [...hooks(route.preHandler), planEviction]
    route.onSend = [...hooks(route.onSend), evict]
  })
}, { name: 'ory-bff-session', fastify: '5.x', dependencies: ['ory-client', 'redis', 'metrics'] })
