import type { Session } from '../schemas/index.js'

// Where positive whoami answers are kept. In-process (an LRU per replica) by default; a shared store (Redis, say)
// can take its place when several replicas run, so that a logout on one replica evicts the session on all of them
// at once instead of leaving the others to serve it until their entries expire.

/** Ory's positive whoami answer, as cached: the session, and the bytes Ory sent for the `/.ory` mirror. */
export interface SessionEntry {
  /** The session as Ory answered it (`active: true`). */
  readonly session: Session
  /** Ory's body, decoded, as it came: the mirror rewrites its URLs per answer. */
  readonly body: Buffer
  /** Ory's `Content-Type`. */
  readonly contentType: string
  /** Epoch milliseconds after which the entry must not be used: min(stored + TTL, the session's `expires_at`). */
  readonly expiresAt: number
}

type MaybePromise<T> = T | Promise<T>

/**
 * A store of session entries by key (a SHA-256 of the session's credentials). Methods may be synchronous (the
 * in-process store) or return promises (a shared store); the checker awaits only what needs awaiting.
 * An implementation must drop entries at their `expiresAt` and must be able to delete every entry of a session
 * id or of an identity id: a session's cookie changes when Ory re-issues it, so one session may sit under several keys.
 */
export interface SessionStore {
  get: (key: string, now: number) => MaybePromise<SessionEntry | undefined>
  set: (key: string, entry: SessionEntry) => MaybePromise<void>
  delete: (key: string) => MaybePromise<void>
  /** Deletes every entry of this session (all its keys). */
  deleteSession: (sessionId: string) => MaybePromise<void>
  /** Deletes every entry of this identity's sessions but the one under `exceptKey`. */
  deleteIdentity: (identityId: string, exceptKey?: string) => MaybePromise<void>
}

interface Slot {
  entry: SessionEntry
  sessionId: string
  identityId: string | undefined
}

/**
 * The default store: a bounded LRU in this process. A `Map` keeps insertion order, so re-inserting on a hit makes the
 * first key the least recently used one; two indexes find a session's and an identity's keys for eviction.
 */
export class InProcessSessionStore implements SessionStore {
  readonly #max: number
  readonly #slots = new Map<string, Slot>()
  readonly #bySession = new Map<string, Set<string>>()
  readonly #byIdentity = new Map<string, Set<string>>()

  constructor (max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`the session store needs room for at least one entry, got ${max}`)
    this.#max = max
  }

  get size (): number {
    return this.#slots.size
  }

  get (key: string, now: number): SessionEntry | undefined {
    const slot = this.#slots.get(key)
    if (slot === undefined) return undefined
    if (slot.entry.expiresAt <= now) {
      this.delete(key)
      return undefined
    }
    // Most recently used goes last.
    this.#slots.delete(key)
    this.#slots.set(key, slot)
    return slot.entry
  }

  set (key: string, entry: SessionEntry): void {
    this.delete(key)
    const slot: Slot = { entry, sessionId: entry.session.id, identityId: entry.session.identity?.id }
    this.#slots.set(key, slot)
    index(this.#bySession, slot.sessionId, key)
    if (slot.identityId !== undefined) index(this.#byIdentity, slot.identityId, key)
    while (this.#slots.size > this.#max) {
      const oldest = this.#slots.keys().next().value as string
      this.delete(oldest)
    }
  }

  delete (key: string): void {
    const slot = this.#slots.get(key)
    if (slot === undefined) return
    this.#slots.delete(key)
    unindex(this.#bySession, slot.sessionId, key)
    if (slot.identityId !== undefined) unindex(this.#byIdentity, slot.identityId, key)
  }

  deleteSession (sessionId: string): void {
    for (const key of [...this.#bySession.get(sessionId) ?? []]) this.delete(key)
  }

  deleteIdentity (identityId: string, exceptKey?: string): void {
    for (const key of [...this.#byIdentity.get(identityId) ?? []]) {
      if (key !== exceptKey) this.delete(key)
    }
  }
}

/** Adds `key` to the set of keys indexed under `id` (a session id, an identity id). */
export function index (map: Map<string, Set<string>>, id: string, key: string): void {
  let keys = map.get(id)
  if (keys === undefined) {
    keys = new Set()
    map.set(id, keys)
  }
  keys.add(key)
}

/** Removes `key` from the keys under `id`, and `id` with its last key. */
export function unindex (map: Map<string, Set<string>>, id: string, key: string): void {
  const keys = map.get(id)
  if (keys === undefined) return
  keys.delete(key)
  if (keys.size === 0) map.delete(id)
}
