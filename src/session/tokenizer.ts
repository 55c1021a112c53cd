import { decodeJwt } from 'jose'
import type { OryClient } from '../ory/client.js'
import { OryBadResponseError, OryUpstreamError } from '../ory/errors.js'
import { toSession } from '../ory/generated/frontend.js'
import { index, unindex } from './cache.js'
import type { SessionEviction } from './checker.js'
import type { SessionCredentials } from './key.js'

// The user's Ory session as a JWT, for the SPA's APIs: Ory's session tokenizer (`GET /sessions/whoami?tokenize_as=`,
// https://www.ory.sh/docs/identities/session-to-graph/jwt), which signs the session with the project's template and
// answers it in `tokenized`. Made at most once per session and template at a time, and kept until shortly before the
// JWT's `exp`, so that an SPA's burst of API calls costs Ory one call.

export interface SessionTokenizerOptions {
  /** Most JWTs kept (least recently used go first); 0 keeps none (concurrent requests still share one call). */
  max: number
  /** A JWT is no longer handed out this long before its `exp`, so that it does not expire on its way to the API. */
  skewMs?: number
  /** The clock (epoch milliseconds); tests pass their own. */
  now?: () => number
  /** Ory's own headers sent with every call to Ory's browser API (as the session checker's). */
  oryHeaders?: Record<string, string>
}

export const DEFAULT_TOKEN_SKEW_MS = 10_000

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
 * (a logout through the mirror or `/api/session`, a revocation) takes the session's JWTs with it.
 */
export class SessionTokenizer {
  readonly #max: number
  readonly #skewMs: number
  readonly #now: () => number
  readonly #oryHeaders: Record<string, string>
  readonly #slots = new Map<string, Slot>()
  readonly #byCredentials = new Map<string, Set<string>>()
  readonly #bySession = new Map<string, Set<string>>()
  readonly #byIdentity = new Map<string, Set<string>>()
  #inflight = new Map<string, Promise<string | undefined>>()
  /** Bumped by every eviction: a call in flight when one happened must not fill the cache with what it got. */
  #epoch = 0

  constructor (options: SessionTokenizerOptions) {
    if (!Number.isInteger(options.max) || options.max < 0) throw new RangeError(`max must be a non-negative integer, got ${options.max}`)
    this.#max = options.max
    this.#skewMs = options.skewMs ?? DEFAULT_TOKEN_SKEW_MS
    this.#now = options.now ?? Date.now
    this.#oryHeaders = options.oryHeaders ?? {}
  }

  get caching (): boolean {
    return this.#max > 0
  }

  /** How many JWTs are kept. */
  get size (): number {
    return this.#slots.size
  }

  /**
   * The session's JWT made with `template`, or undefined when Ory knows no active session for these credentials
   * (its 401). Other answers of Ory (403 `session_aal2_required`, an unknown template's 400, 5xx) throw as
   * OryUpstreamError; failures to reach Ory as the client's 502/504 errors.
   */
  async token (credentials: SessionCredentials, template: string, client: OryClient, requestId?: string): Promise<string | undefined> {
    const slotKey = `${credentials.key}\0${template}`
    if (this.#max > 0) {
      const slot = this.#slots.get(slotKey)
      if (slot !== undefined) {
        if (slot.usableUntil > this.#now()) {
          this.#slots.delete(slotKey)
          this.#slots.set(slotKey, slot)
          return slot.token
        }
        this.#delete(slotKey)
      }
    }
    const flightKey = `${credentials.material}\0${template}`
    const joined = this.#inflight.get(flightKey)
    if (joined !== undefined) return await joined
    const flight = this.#fetch(credentials, template, slotKey, client, requestId)
    const inflight = this.#inflight
    inflight.set(flightKey, flight)
    try {
      return await flight
    } finally {
      if (inflight.get(flightKey) === flight) inflight.delete(flightKey)
    }
  }

  /** Forgets what the session checker forgot: the JWTs of a key, of a session, or of an identity's other sessions. */
  evicted (eviction: SessionEviction): void {
    this.#epoch++
    this.#inflight = new Map()
    let keys: Iterable<string>
    if ('key' in eviction) {
      keys = this.#byCredentials.get(eviction.key) ?? []
      // The key's session goes as a whole: its cookie may have been re-issued, so it may sit under other keys too.
      const sessions = new Set([...keys].map(key => this.#slots.get(key)?.sessionId))
      for (const sessionId of sessions) if (sessionId !== undefined) this.#deleteAll(this.#bySession.get(sessionId))
    } else if ('sessionId' in eviction) {
      keys = this.#bySession.get(eviction.sessionId) ?? []
    } else {
      const except = eviction.exceptKey
      keys = [...this.#byIdentity.get(eviction.identityId) ?? []].filter(key => this.#slots.get(key)?.credentialsKey !== except)
    }
    this.#deleteAll(keys)
  }

  #deleteAll (keys: Iterable<string> | undefined): void {
    for (const key of [...keys ?? []]) this.#delete(key)
  }

  async #fetch (credentials: SessionCredentials, template: string, slotKey: string, client: OryClient, requestId: string | undefined): Promise<string | undefined> {
    const epoch = this.#epoch
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
    if (this.#max > 0 && epoch === this.#epoch && usableUntil > this.#now()) {
      this.#set(slotKey, { token, usableUntil, credentialsKey: credentials.key, sessionId: session.id, identityId: session.identity?.id })
    }
    return token
  }

  #set (slotKey: string, slot: Slot): void {
    this.#delete(slotKey)
    this.#slots.set(slotKey, slot)
    index(this.#byCredentials, slot.credentialsKey, slotKey)
    index(this.#bySession, slot.sessionId, slotKey)
    if (slot.identityId !== undefined) index(this.#byIdentity, slot.identityId, slotKey)
    while (this.#slots.size > this.#max) this.#delete(this.#slots.keys().next().value as string)
  }

  #delete (slotKey: string): void {
    const slot = this.#slots.get(slotKey)
    if (slot === undefined) return
    this.#slots.delete(slotKey)
    unindex(this.#byCredentials, slot.credentialsKey, slotKey)
    unindex(this.#bySession, slot.sessionId, slotKey)
    if (slot.identityId !== undefined) unindex(this.#byIdentity, slot.identityId, slotKey)
  }
}
