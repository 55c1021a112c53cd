import { decodeJwt } from 'jose'
import { LRUCache } from 'lru-cache'
import type { OryClient } from '../ory/client.js'
import { OryBadResponseError, OryUpstreamError } from '../ory/errors.js'
import { toSession } from '../ory/generated/frontend.js'
import { DEFAULT_SWEEP_INTERVAL_MS, index, unindex } from './cache.js'
import type { SessionEviction } from './checker.js'
import { DEFAULT_CALL_WINDOW_MS, EvictionLog, type CallStart } from './evictions.js'
import type { SessionCredentials } from './key.js'

// The user's Ory session as a JWT, for the SPA's APIs: Ory's session tokenizer (`GET /sessions/whoami?tokenize_as=`,
// https://www.ory.sh/docs/identities/session-to-graph/jwt), which signs the session with the project's template and
// answers it in `tokenized`. Made at most once per session and template at a time, and kept until shortly before the
// JWT's `exp`, so that an SPA's burst of API calls costs Ory one call.

export interface SessionTokenizerOptions {
  /** Most JWTs kept (least recently used go first); 0 keeps none (concurrent requests still share one call). */
  max: number
  /** Most bytes of JWTs kept, JWT_OVERHEAD_BYTES per JWT included (SESSION_CACHE_MAX_BYTES); default: unbounded. */
  maxBytes?: number
  /** How long a call to Ory can be out at most (UPSTREAM_TIMEOUT_MS): evictions are remembered that long. */
  callWindowMs?: number
  /** How often JWTs past their use are swept out; default 1 s. */
  sweepIntervalMs?: number
  /** A JWT is no longer handed out this long before its `exp`, so that it does not expire on its way to the API. */
  skewMs?: number
  /** The clock (epoch milliseconds); tests pass their own. */
  now?: () => number
  /** Ory's own headers sent with every call to Ory's browser API (as the session checker's). */
  oryHeaders?: Record<string, string>
}

export const DEFAULT_TOKEN_SKEW_MS = 10_000
/** What a kept JWT costs beyond its characters: the slot, its keys and the three indexes. */
export const JWT_OVERHEAD_BYTES = 512

/** A JWT Ory made, and of which session. */
interface Minted {
  token: string
  sessionId: string
  identityId: string | undefined
}

interface Flight {
  readonly minted: Promise<Minted | undefined>
  readonly start: CallStart
}

interface Slot {
  token: string
  /** Epoch milliseconds after which the JWT is not handed out any more. */
  usableUntil: number
  credentialsKey: string
  sessionId: string
  identityId: string | undefined
}

/**
 * JWTs of sessions by credentials and template. Keyed by the credentials' SHA-256 (SessionCredentials.key), never
 * by the credentials themselves, and indexed by session and identity, so that every eviction of the session checker
 * (a logout through the mirror or `/api/session`, a revocation) takes the session's JWTs with it. Bounded in JWTs and
 * in bytes, and swept: a JWT past its use is dropped within a second, whether or not it is asked for again.
 * Evictions void calls in flight only for what they name (see EvictionLog), as the checker's do.
 */
export class SessionTokenizer {
  readonly #max: number
  readonly #skewMs: number
  readonly #now: () => number
  readonly #oryHeaders: Record<string, string>
  readonly #slotOptions: LRUCache.Options<string, Slot, unknown> | undefined
  #lru: LRUCache<string, Slot> | undefined
  readonly #sweeper: NodeJS.Timeout | undefined
  readonly #byCredentials = new Map<string, Set<string>>()
  readonly #bySession = new Map<string, Set<string>>()
  readonly #byIdentity = new Map<string, Set<string>>()
  readonly #inflight = new Map<string, Flight>()
  readonly #evictions: EvictionLog
  /** While evictions may be missed (the fan-out is down): no JWT is handed out from the cache nor kept in it. */
  #suspended = false

  constructor (options: SessionTokenizerOptions) {
    if (!Number.isInteger(options.max) || options.max < 0) throw new RangeError(`max must be a non-negative integer, got ${options.max}`)
    this.#max = options.max
    this.#skewMs = options.skewMs ?? DEFAULT_TOKEN_SKEW_MS
    this.#now = options.now ?? Date.now
    this.#oryHeaders = options.oryHeaders ?? {}
    this.#evictions = new EvictionLog({ windowMs: options.callWindowMs ?? DEFAULT_CALL_WINDOW_MS })
    if (this.#max > 0) {
      const now = this.#now
      this.#slotOptions = {
        max: this.#max,
        maxSize: options.maxBytes ?? Number.MAX_SAFE_INTEGER,
        sizeCalculation: (slot, key) => slot.token.length + key.length + JWT_OVERHEAD_BYTES,
        perf: { now },
        ttlResolution: 0,
        dispose: (slot, key) => this.#unindex(key, slot)
      }
      this.#sweeper = setInterval(() => this.#lru?.purgeStale(), options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS)
      this.#sweeper.unref()
    }
  }

  get caching (): boolean {
    return this.#max > 0
  }

  /**
   * The JWTs kept, made on first use rather than with the tokenizer (an LRUCache allocates its arrays for all of
   * `max` at once, which every start paid for); undefined when none are kept (max 0).
   */
  get #slots (): LRUCache<string, Slot> | undefined {
    if (this.#lru === undefined && this.#slotOptions !== undefined) this.#lru = new LRUCache<string, Slot>(this.#slotOptions)
    return this.#lru
  }

  /** How many JWTs are kept. */
  get size (): number {
    return this.#lru?.size ?? 0
  }

  /** Stops the sweeps (the app's close). */
  close (): void {
    clearInterval(this.#sweeper)
  }

  /** As the session checker's `suspend`: every JWT is dropped, and none is kept until `resume`. */
  suspend (): void {
    this.#suspended = true
    this.#evictions.recordAll()
    this.#lru?.clear()
  }

  /** As the session checker's `resume`: JWTs minted by calls that began while evictions were missed are not kept. */
  resume (): void {
    this.#evictions.recordAll()
    this.#lru?.clear()
    this.#suspended = false
  }

  /**
   * The session's JWT made with `template`, or undefined when Ory knows no active session for these credentials
   * (its 401). Other answers of Ory (403 `session_aal2_required`, an unknown template's 400, 5xx) throw as
   * OryUpstreamError; failures to reach Ory as the client's 502/504 errors.
   */
  async token (credentials: SessionCredentials, template: string, client: OryClient, requestId?: string): Promise<string | undefined> {
    const slotKey = `${credentials.key}\0${template}`
    const slot = this.#suspended ? undefined : this.#slots?.get(slotKey)
    if (slot !== undefined) {
      if (slot.usableUntil > this.#now()) return slot.token
      this.#slots!.delete(slotKey)
    }
    const flightKey = `${credentials.material}\0${template}`
    const joined = this.#inflight.get(flightKey)
    if (joined === undefined) return await this.#fly(flightKey, credentials, template, slotKey, client, requestId)
    const joinedAt = this.#evictions.seq
    const minted = await joined.minted
    // The call began before an eviction of this session, and this request came after it: once more, joining a call
    // that began after the eviction if there is one.
    if (minted === undefined || joinedAt === joined.start.seq ||
      !this.#evictions.evicted(joined.start, credentials.key, minted.sessionId, minted.identityId, joinedAt)) return minted?.token
    const again = this.#inflight.get(flightKey)
    if (again !== undefined && again.start.seq >= joinedAt) return (await again.minted)?.token
    return await this.#fly(flightKey, credentials, template, slotKey, client, requestId)
  }

  async #fly (flightKey: string, credentials: SessionCredentials, template: string, slotKey: string, client: OryClient, requestId: string | undefined): Promise<string | undefined> {
    const start = this.#evictions.start()
    const flight: Flight = { minted: this.#fetch(credentials, template, slotKey, start, client, requestId), start }
    this.#inflight.set(flightKey, flight)
    try {
      return (await flight.minted)?.token
    } finally {
      if (this.#inflight.get(flightKey) === flight) this.#inflight.delete(flightKey)
    }
  }

  /** Forgets what the session checker forgot: the JWTs of a key, of a session, or of an identity's other sessions. */
  evicted (eviction: SessionEviction): void {
    let keys: string[]
    if ('key' in eviction) {
      this.#evictions.recordKey(eviction.key)
      keys = [...this.#byCredentials.get(eviction.key) ?? []]
      // The key's session goes as a whole: its cookie may have been re-issued, so it may sit under other keys too.
      const sessions = new Set(keys.map(key => this.#slots?.peek(key)?.sessionId))
      for (const sessionId of sessions) {
        if (sessionId === undefined) continue
        this.#evictions.recordSession(sessionId)
        keys.push(...this.#bySession.get(sessionId) ?? [])
      }
    } else if ('sessionId' in eviction) {
      const { owner } = eviction
      this.#evictions.recordSession(eviction.sessionId, owner)
      keys = [...this.#bySession.get(eviction.sessionId) ?? []].filter(key => owner === undefined || this.#slots?.peek(key)?.identityId === owner)
    } else {
      const except = eviction.exceptKey
      this.#evictions.recordIdentity(eviction.identityId, except)
      keys = [...this.#byIdentity.get(eviction.identityId) ?? []].filter(key => this.#slots?.peek(key)?.credentialsKey !== except)
    }
    for (const key of keys) this.#slots?.delete(key)
  }

  async #fetch (credentials: SessionCredentials, template: string, slotKey: string, start: CallStart, client: OryClient, requestId: string | undefined): Promise<Minted | undefined> {
    let answer
    try {
      answer = await toSession(client, {
        tokenize_as: template,
        ...(credentials.cookie === undefined ? {} : { cookie: credentials.cookie }),
        ...(credentials.token === undefined ? {} : { xSessionToken: credentials.token })
      }, { headers: { ...this.#oryHeaders, accept: 'application/json' }, requestId })
    } catch (err) {
      if (err instanceof OryUpstreamError && err.status === 401) return undefined
      throw err
    }
    const session = answer.body
    if (session.active !== true) return undefined
    const token = session.tokenized
    if (typeof token !== 'string' || token === '') {
      throw new OryBadResponseError('Ory answered toSession without a tokenized session', {
        operationId: 'toSession', status: answer.status, reason: `Ory did not tokenize the session as "${template}".`
      })
    }
    let exp: number | undefined
    try {
      exp = decodeJwt(token).exp
    } catch (err) {
      throw new OryBadResponseError('Ory\'s tokenized session is not a JWT', { operationId: 'toSession', status: answer.status, cause: err })
    }
    // Never past the session's own end, and not at all without an `exp` to go by.
    const expiresAt = session.expires_at === undefined ? Number.POSITIVE_INFINITY : Date.parse(session.expires_at)
    const usableUntil = Math.min(exp === undefined ? Number.NEGATIVE_INFINITY : exp * 1000 - this.#skewMs, Number.isNaN(expiresAt) ? Number.NEGATIVE_INFINITY : expiresAt)
    const minted: Minted = { token, sessionId: session.id, identityId: session.identity?.id }
    // lru-cache counts a slot stale once more than `ttl` has passed; the JWT is not handed out from `usableUntil` on.
    const ttl = usableUntil - this.#now() - 1
    // Not kept when this key, session or identity was evicted while the call was out: the JWT may predate it.
    if (this.#slots !== undefined && !this.#suspended && ttl > 0 && !this.#evictions.evicted(start, credentials.key, minted.sessionId, minted.identityId)) {
      const slot: Slot = { token, usableUntil, credentialsKey: credentials.key, sessionId: minted.sessionId, identityId: minted.identityId }
      // Replacing a key disposes of its old slot (and its index entries) first.
      this.#slots.set(slotKey, slot, { ttl })
      if (this.#slots.peek(slotKey) === slot) {
        index(this.#byCredentials, slot.credentialsKey, slotKey)
        index(this.#bySession, slot.sessionId, slotKey)
        if (slot.identityId !== undefined) index(this.#byIdentity, slot.identityId, slotKey)
      }
    }
    return minted
  }

  #unindex (slotKey: string, slot: Slot): void {
    unindex(this.#byCredentials, slot.credentialsKey, slotKey)
    unindex(this.#bySession, slot.sessionId, slotKey)
    if (slot.identityId !== undefined) unindex(this.#byIdentity, slot.identityId, slotKey)
  }
}
