import type { IncomingHttpHeaders } from 'node:http'
import { decodeContent } from '../http/content.js'
import type { CookieNameMatcher } from '../http/cookies.js'
import type { OryClient, OryRawResponse } from '../ory/client.js'
import { OryBadResponseError, OryUpstreamError } from '../ory/errors.js'
import { operations } from '../ory/generated/operations.js'
import type { Headers } from '../ory/operation.js'
import { isJson } from '../ory/response.js'
import type { Session } from '../schemas/index.js'
import type { SessionEntry, SessionStore } from './cache.js'
import { DEFAULT_CALL_WINDOW_MS, EvictionLog, type CallStart } from './evictions.js'
import { isSessionCookieName, sessionCredentials, tokenCredentials, type SessionCredentials } from './key.js'

/** Ory's whoami answer as the checker hands it on: any status, the body decoded, and the session when it is 200. */
export interface WhoamiAnswer extends OryRawResponse<Buffer> {
  readonly session: Session | undefined
  /** Whether this answer came from the cache rather than from a call to Ory. */
  readonly cached: boolean
  /** Whether the body is already in the browser's form (the checker's `browserForm`): the mirror sends it as it is. */
  readonly browserForm: boolean
}

/** What an eviction forgot: a key's entry (and its session), a session's entries, or an identity's but one key's. */
export type SessionEviction = { key: string } | { sessionId: string, owner?: string } | { identityId: string, exceptKey: string | undefined }

/** Where an eviction came from: this replica (a logout it saw), or another one, through the fan-out. */
export type EvictionOrigin = 'local' | 'remote'

export interface SessionCheckerOptions {
  /** undefined: nothing is cached (concurrent checks are still coalesced). */
  store: SessionStore | undefined
  /** How long a positive answer is used at most (SESSION_CACHE_TTL_MS); 0 caches nothing. */
  ttlMs: number
  /** The clock (epoch milliseconds) for TTLs and `expires_at`; tests pass their own. */
  now?: () => number
  isSessionCookie?: CookieNameMatcher
  /** Ory's own headers the BFF sends with every call to Ory's browser API (base URL rewrite, no custom domain redirect). */
  oryHeaders?: Record<string, string>
  /** The largest whoami answer read. */
  maxResponseBytes: number
  /**
   * Told of every eviction, so that what else is kept per session (its JWTs, say) goes with it, and so that a local
   * one reaches the other replicas.
   */
  onEvict?: (eviction: SessionEviction, origin: EvictionOrigin) => void
  /** How long a call to Ory can be out at most (UPSTREAM_TIMEOUT_MS): evictions are remembered that long. */
  callWindowMs?: number
  /**
   * The form in which a positive answer is kept and handed on: the bytes the browser gets through the mirror (Ory's
   * URLs rewritten for it). The cache then holds that one copy, counted against its bound, rather than Ory's bytes
   * with a rewritten copy made beside them on every hit. Undefined: Ory's bytes as they came.
   */
  browserForm?: (body: Buffer) => Buffer
}

/** A call to Ory in flight, and where it stood among evictions when it began. */
interface Flight {
  readonly answer: Promise<WhoamiAnswer>
  readonly start: CallStart
}

const WHOAMI = operations.toSession
/** Answer headers that describe bytes on the wire, not the (decoded) body handed on. */
const WIRE_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding'])

function isPromise<T> (value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function'
}

/**
 * Who is signed in, asked of Ory's whoami at most once per key at a time (concurrent checks of one session share
 * one call) and, for a positive answer, at most once per TTL: the answer is kept until the TTL or the session's
 * `expires_at`, whichever comes first. Only positive answers are kept; a 401, a 403 or a failure is shared only by the
 * checks that were waiting for that very call. Every logout path evicts at once (see the session plugin).
 *
 * An eviction ends what it names and nothing else: its key's call in flight is left for new checks to not join, and
 * the eviction is remembered for as long as a call can be out (EvictionLog), so that a call that began before it does
 * not store its answer when that answer is of the evicted key, session or identity, and a check that joined such a
 * call after the eviction asks again, once. Calls and cached answers of other sessions are untouched.
 */
export class SessionChecker {
  readonly #store: SessionStore | undefined
  readonly #ttlMs: number
  readonly #now: () => number
  readonly #isSessionCookie: CookieNameMatcher
  /** The headers of every call to whoami but the credentials, as pairs (see #fetch). */
  readonly #callHeaders: ReadonlyArray<readonly [string, string]>
  readonly #maxResponseBytes: number
  readonly #onEvict: ((eviction: SessionEviction, origin: EvictionOrigin) => void) | undefined
  /** While evictions may be missed (the fan-out is down): nothing is read from the store nor kept in it. */
  #suspended = false
  #suspensions = 0
  /**
   * Calls to Ory in flight, by credentials. A prototype-less object, not a Map: under load a long-lived Map with an
   * entry set and deleted per request carried every request's objects into V8's old generation (measured: ≈ 13 MB/s
   * promoted, a full garbage collection every 1.5 s and the p99 with it); a dictionary object does not.
   */
  readonly #inflight: Record<string, Flight | undefined> = Object.create(null)
  readonly #evictions: EvictionLog
  readonly #browserForm: ((body: Buffer) => Buffer) | undefined

  constructor (options: SessionCheckerOptions) {
    this.#ttlMs = options.ttlMs
    this.#store = options.ttlMs > 0 ? options.store : undefined
    this.#now = options.now ?? Date.now
    this.#isSessionCookie = options.isSessionCookie ?? isSessionCookieName
    this.#callHeaders = Object.entries({ ...options.oryHeaders, accept: 'application/json', 'accept-encoding': 'identity' })
    this.#maxResponseBytes = options.maxResponseBytes
    this.#onEvict = options.onEvict
    this.#evictions = new EvictionLog({ windowMs: options.callWindowMs ?? DEFAULT_CALL_WINDOW_MS })
    this.#browserForm = options.browserForm
  }

  /** Which cookies carry a session (and make up the key). */
  get isSessionCookie (): CookieNameMatcher {
    return this.#isSessionCookie
  }

  /** Whether positive answers are cached at all (by configuration: a suspended cache still counts). */
  get caching (): boolean {
    return this.#store !== undefined
  }

  /** Whether the cache is suspended (see `suspend`). */
  get suspended (): boolean {
    return this.#suspended
  }

  /**
   * Evictions may be missed from now on (the fan-out from other replicas is down): the whole cache is dropped, calls
   * out now may not keep their answers, and until `resume` every check asks Ory. Never a stale answer, then; only
   * slower ones.
   */
  async suspend (): Promise<void> {
    this.#suspended = true
    this.#suspensions++
    this.#evictions.recordAll()
    if (this.#store !== undefined) await this.#store.clear()
  }

  /**
   * Evictions are heard again. Calls that began while they were missed may not keep their answers (one of them may
   * predate a logout that was missed); calls from now on see Ory after every logout that was.
   */
  async resume (): Promise<void> {
    const suspensions = this.#suspensions
    this.#evictions.recordAll()
    if (this.#store !== undefined) await this.#store.clear()
    // Suspended again while a store of the caller's was clearing: that suspension stands.
    if (this.#suspensions === suspensions) this.#suspended = false
  }

  /** The session credentials in a request's headers (cookie, `X-Session-Token`), or undefined when it carries none. */
  credentials (headers: IncomingHttpHeaders): SessionCredentials | undefined {
    return sessionCredentials(headers, this.#isSessionCookie)
  }

  tokenCredentials (token: string): SessionCredentials {
    return tokenCredentials(token)
  }

  /**
   * Ory's whoami answer for these credentials, from the cache or from one call shared by every concurrent lookup
   * with the same key. Failures to reach Ory throw (502/504 via the error handler), and are never cached.
   */
  lookup (credentials: SessionCredentials, client: OryClient, requestId?: string): Promise<WhoamiAnswer> {
    // Without a cache, and nobody else asking for these credentials (the common case under load): the call itself,
    // with no promise of this method's own in between.
    if (this.#store === undefined && !this.#suspended) {
      const flightKey = credentials.material
      if (this.#inflight[flightKey] === undefined) return this.#fly(flightKey, credentials, client, requestId)
    }
    return this.#lookup(credentials, client, requestId)
  }

  async #lookup (credentials: SessionCredentials, client: OryClient, requestId: string | undefined): Promise<WhoamiAnswer> {
    if (this.#store !== undefined && !this.#suspended) {
      const found = this.#store.get(credentials.key, this.#now())
      const entry = isPromise(found) ? await found : found
      if (entry !== undefined) return new Answer(200, { 'content-type': entry.contentType }, entry.body, entry.contentType, true, this.#browserForm !== undefined)
    }
    // Joined on the cache key, which an eviction names; without a cache, on the credentials themselves (no hash needed).
    const flightKey = this.#store === undefined ? credentials.material : credentials.key
    const joined = this.#inflight[flightKey]
    if (joined === undefined) return await this.#fly(flightKey, credentials, client, requestId)
    const joinedAt = this.#evictions.seq
    const answer = await joined.answer
    // Nothing evicted since the call began (the common case): nothing to look up, and the session is not parsed.
    if (joinedAt === joined.start.seq || !this.#evicted(answer, credentials.key, joined.start, joinedAt)) return answer
    // The call began before an eviction of this very answer, and this check came after it: the answer predates a
    // logout the check must see. Once more, joining a call that began after the eviction if there is one.
    const again = this.#inflight[flightKey]
    if (again !== undefined && again.start.seq >= joinedAt) return await again.answer
    return await this.#fly(flightKey, credentials, client, requestId)
  }

  /** One call to Ory for these credentials, joinable by concurrent lookups until it settles. */
  #fly (flightKey: string, credentials: SessionCredentials, client: OryClient, requestId: string | undefined): Promise<WhoamiAnswer> {
    const start = this.#evictions.start()
    const answer = this.#fetch(credentials, start, client, requestId)
    const flight: Flight = { answer, start }
    this.#inflight[flightKey] = flight
    // Gone once the call settles, before anyone awaiting it resumes (reactions run in the order they were added).
    const land = (): void => {
      if (this.#inflight[flightKey] === flight) delete this.#inflight[flightKey]
    }
    answer.then(land, land)
    return answer
  }

  /** Whether an answer's key, session or identity was evicted after its call began (and no later than `until`). */
  #evicted (answer: WhoamiAnswer, key: string, start: CallStart, until?: number): boolean {
    const session = answer.status === 200 ? answer.session : undefined
    return this.#evictions.evicted(start, key, session?.id, session?.identity?.id, until)
  }

  /** The whoami answer for a request's headers, or undefined when they carry no session credentials (Ory is not asked then). */
  async resolve (headers: IncomingHttpHeaders, client: OryClient, requestId?: string): Promise<WhoamiAnswer | undefined> {
    const credentials = this.credentials(headers)
    return credentials === undefined ? undefined : await this.lookup(credentials, client, requestId)
  }

  /**
   * The request's session: undefined without one (no credentials, or Ory's 401). Other answers of Ory (403
   * `session_aal2_required` when the project asks for the highest available AAL, 5xx) throw as OryUpstreamError and
   * pass through to the browser.
   */
  async check (headers: IncomingHttpHeaders, client: OryClient, requestId?: string): Promise<Session | undefined> {
    return sessionOf(await this.resolve(headers, client, requestId))
  }

  /** The cached entry for a key, without asking Ory. */
  async peek (key: string): Promise<SessionEntry | undefined> {
    if (this.#store === undefined || this.#suspended) return undefined
    const found = this.#store.get(key, this.#now())
    return isPromise(found) ? await found : found
  }

  /** Forgets the session of a request's headers: its key, and every other key of the same session. */
  async evict (headers: IncomingHttpHeaders): Promise<void> {
    const credentials = this.credentials(headers)
    if (credentials !== undefined) await this.evictCredentials(credentials)
  }

  async evictCredentials (credentials: SessionCredentials): Promise<void> {
    const entry = await this.peek(credentials.key)
    await this.evictKey(credentials.key)
    if (entry !== undefined) await this.evictSession(entry.sessionId)
  }

  /** Forgets one key's entry; a call in flight for it is not joined any more, nor is its answer kept. */
  async evictKey (key: string, origin: EvictionOrigin = 'local'): Promise<void> {
    this.#evictions.recordKey(key)
    if (this.#store !== undefined) delete this.#inflight[key]
    this.#onEvict?.({ key }, origin)
    if (this.#store !== undefined) await this.#store.delete(key)
  }

  /**
   * Forgets a session's entries. With `owner` (a revocation by id, which Ory confirms whoever owns the id), only
   * entries of that identity go.
   */
  async evictSession (sessionId: string, owner?: string, origin: EvictionOrigin = 'local'): Promise<void> {
    this.#evictions.recordSession(sessionId, owner)
    this.#onEvict?.(owner === undefined ? { sessionId } : { sessionId, owner }, origin)
    if (this.#store !== undefined) await this.#store.deleteSession(sessionId, owner)
  }

  /** Forgets every cached session of an identity but the one under `exceptKey` (logging out the other sessions). */
  async evictIdentity (identityId: string, exceptKey?: string, origin: EvictionOrigin = 'local'): Promise<void> {
    this.#evictions.recordIdentity(identityId, exceptKey)
    this.#onEvict?.({ identityId, exceptKey }, origin)
    if (this.#store !== undefined) await this.#store.deleteIdentity(identityId, exceptKey)
  }

  /** An eviction as the fan-out carries it, made here (`origin` tells whether it goes on to the other replicas). */
  async apply (eviction: SessionEviction, origin: EvictionOrigin): Promise<void> {
    if ('key' in eviction) await this.evictKey(eviction.key, origin)
    else if ('sessionId' in eviction) await this.evictSession(eviction.sessionId, eviction.owner, origin)
    else await this.evictIdentity(eviction.identityId, eviction.exceptKey, origin)
  }

  async #fetch (credentials: SessionCredentials, start: CallStart, client: OryClient, requestId: string | undefined): Promise<WhoamiAnswer> {
    const startedAt = this.#now()
    // Copied pair by pair: an object spread of these dashed names took V8's slow path (≈ 3 µs a call, measured).
    const headers: Record<string, string> = {}
    for (const [name, value] of this.#callHeaders) headers[name] = value
    if (credentials.cookie !== undefined) headers.cookie = credentials.cookie
    if (credentials.token !== undefined) headers['x-session-token'] = credentials.token
    // No AbortSignal: the call is shared, and one browser going away must not cut it short for the others.
    const raw = await client.call(WHOAMI, {}, { headers, requestId, responseType: 'buffer', maxResponseBytes: this.#maxResponseBytes })

    const passed: Headers = {}
    for (const name in raw.headers) {
      if (!WIRE_HEADERS.has(name)) passed[name] = raw.headers[name]
    }
    const encoding = typeof raw.headers['content-encoding'] === 'string' ? raw.headers['content-encoding'].trim().toLowerCase() : ''
    const body = encoding === '' || encoding === 'identity' ? raw.body : await decodeContent(raw.body, encoding, this.#maxResponseBytes, WHOAMI.operationId)
    const contentType = typeof raw.headers['content-type'] === 'string' ? raw.headers['content-type'] : 'application/json'

    // A 200 that is not a session is handed on as Ory sent it (the mirror passes it through) and never cached;
    // sessionOf() makes it a 502 for the BFF's own routes. With no cache the body is parsed only when a route asks
    // for the session: the mirror's whoami hands Ory's bytes on and never needs it.
    const answer = new Answer(raw.status, passed, body, contentType, false, false)
    if (this.#store === undefined || this.#suspended || raw.status !== 200) return answer
    const session = answer.session
    if (session !== undefined && session.active === true) {
      const expiresAt = Math.min(startedAt + this.#ttlMs, expiryOf(session))
      // Not kept when this key, session or identity was evicted while the call was out: the answer may predate it.
      if (expiresAt > this.#now() && !this.#evictions.evicted(start, credentials.key, session.id, session.identity?.id)) {
        const form = this.#browserForm === undefined ? body : this.#browserForm(body)
        // A body that is a view into a larger buffer (the socket's read, Node's pool) would keep all of it alive:
        // measured, 96 KB answers kept about 290 KB each. Kept as a copy of its own then.
        const kept = form.byteLength === form.buffer.byteLength ? form : ownCopy(form)
        const stored = this.#store.set(credentials.key, { body: kept, contentType, sessionId: session.id, identityId: session.identity?.id, expiresAt })
        if (isPromise(stored)) await stored
        // Handed on in the form kept (its session read from it when asked), so that this answer and the cached ones
        // say the same.
        if (this.#browserForm !== undefined) return new Answer(200, passed, kept, contentType, false, true)
      }
    }
    return answer
  }
}

/** The session of an answer: undefined for Ory's 401; any other failure is thrown as Ory's own answer. */
export function sessionOf (answer: WhoamiAnswer | undefined): Session | undefined {
  if (answer === undefined || answer.status === 401) return undefined
  if (answer.session !== undefined) return answer.session.active === true ? answer.session : undefined
  if (answer.status === 200) {
    throw new OryBadResponseError('Ory answered toSession with something that is not a session', {
      operationId: WHOAMI.operationId, status: 200, reason: 'The upstream response was malformed.'
    })
  }
  let body: unknown = answer.body.toString('utf8')
  try {
    body = JSON.parse(body as string)
  } catch {}
  throw new OryUpstreamError(WHOAMI.operationId, answer.status, answer.headers, body)
}

/**
 * Ory's answer with the session parsed only when asked for, and then once per answer: the mirror's whoami hands the
 * bytes on and never asks; a cached entry keeps the bytes only, so that it holds one copy of Ory's answer.
 */
class Answer implements WhoamiAnswer {
  readonly operationId = WHOAMI.operationId
  readonly cached: boolean
  readonly browserForm: boolean
  readonly status: number
  readonly headers: Headers
  readonly body: Buffer
  readonly #contentType: string
  #parsed = false
  #session: Session | undefined = undefined

  constructor (status: number, headers: Headers, body: Buffer, contentType: string, cached: boolean, browserForm: boolean) {
    this.cached = cached
    this.browserForm = browserForm
    this.status = status
    this.headers = headers
    this.body = body
    this.#contentType = contentType
  }

  get session (): Session | undefined {
    if (!this.#parsed) {
      this.#parsed = true
      this.#session = this.status === 200 ? parseSession(this.body, this.#contentType) : undefined
    }
    return this.#session
  }
}

function parseSession (body: Buffer, contentType: string): Session | undefined {
  if (!isJson(contentType)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
  const session = parsed as Session | null
  return session !== null && typeof session === 'object' && typeof session.id === 'string' ? session : undefined
}

function ownCopy (body: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(body.byteLength)
  body.copy(copy)
  return copy
}

/** The session's `expires_at` in epoch milliseconds; a session without one is bounded by the TTL alone. */
function expiryOf (session: Session): number {
  if (session.expires_at === undefined) return Number.POSITIVE_INFINITY
  const at = Date.parse(session.expires_at)
  // An unreadable expiry is treated as already past: better a call to Ory than a session kept too long.
  return Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at
}
