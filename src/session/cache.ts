import { LRUCache } from 'lru-cache'

// Where positive whoami answers are kept. In-process (an LRU per replica) by default; a shared store (Redis, say)
// can take its place when several replicas run, so that a logout on one replica evicts the session on all of them
// at once instead of leaving the others to serve it until their entries expire.

/**
 * Ory's positive whoami answer, as cached: its bytes and what eviction needs to find them. The bytes are the one copy
 * kept: the mirror hands them on, and the BFF's own routes parse them when they ask for the session.
 */
export interface SessionEntry {
  /**
   * Ory's body, decoded (an active session), in the form the checker keeps: the browser's, Ory's URLs rewritten for
   * the BFF, when the checker is given a `browserForm` (the app's is), Ory's bytes as they came otherwise.
   */
  readonly body: Buffer
  /** Ory's `Content-Type`. */
  readonly contentType: string
  /** The session's id. */
  readonly sessionId: string
  /** The session's identity's id. */
  readonly identityId: string | undefined
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
  /** Deletes every entry of this session (all its keys); with `identityId`, only entries of that identity. */
  deleteSession: (sessionId: string, identityId?: string) => MaybePromise<void>
  /** Deletes every entry of this identity's sessions but the one under `exceptKey`. */
  deleteIdentity: (identityId: string, exceptKey?: string) => MaybePromise<void>
  /** Deletes every entry (evictions may have been missed). */
  clear: () => MaybePromise<void>
}

/**
 * What an entry costs beyond Ory's bytes, counted against SESSION_CACHE_MAX_BYTES: the entry and its key, the LRU's
 * slot, and the key in the two indexes. Measured (heap used after a full GC, 10,000 entries): about 450 bytes.
 */
export const ENTRY_OVERHEAD_BYTES = 512

export interface InProcessSessionStoreOptions {
  /** Most entries kept (SESSION_CACHE_MAX). */
  max: number
  /** Most bytes kept (SESSION_CACHE_MAX_BYTES): Ory's bytes plus ENTRY_OVERHEAD_BYTES per entry. */
  maxBytes: number
  /** The clock (epoch milliseconds) the entries' `expiresAt` are in; tests pass their own. */
  now?: () => number
  /** How often expired entries are swept out; default 1 s. */
  sweepIntervalMs?: number
}

export const DEFAULT_SWEEP_INTERVAL_MS = 1000

/**
 * The default store: an LRU in this process bounded in entries and in bytes, each entry dropped at its `expiresAt`
 * (on the first read after it, and by a sweep that runs every second, so that the memory of sessions nobody asks
 * about any more is given back), and two indexes that find a session's and an identity's keys for eviction. Every
 * removal, whatever its cause, goes through `dispose`, which keeps the indexes in step.
 */
export class InProcessSessionStore implements SessionStore {
  readonly #now: () => number
  readonly #options: LRUCache.Options<string, SessionEntry, unknown>
  #lru: LRUCache<string, SessionEntry> | undefined
  readonly #bySession = new Map<string, Set<string>>()
  readonly #byIdentity = new Map<string, Set<string>>()
  readonly #sweeper: NodeJS.Timeout

  constructor (options: InProcessSessionStoreOptions) {
    const { max, maxBytes } = options
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`the session store needs room for at least one entry, got ${max}`)
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`the session store needs at least one byte, got ${maxBytes}`)
    this.#now = options.now ?? Date.now
    const now = this.#now
    this.#options = {
      max,
      maxSize: maxBytes,
      sizeCalculation: (entry, key) => entry.body.length + key.length + ENTRY_OVERHEAD_BYTES,
      // Staleness on the store's clock, read every time (no cached "now": a test's clock moves in jumps).
      perf: { now },
      ttlResolution: 0,
      dispose: (entry, key) => this.#unindex(key, entry)
    }
    this.#sweeper = setInterval(() => this.#lru?.purgeStale(), options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS)
    this.#sweeper.unref()
  }

  /**
   * Made on first use, not with the store: an LRUCache allocates its arrays for all of `max` entries at once, which
   * every start paid for before any session was checked.
   */
  get #entries (): LRUCache<string, SessionEntry> {
    this.#lru ??= new LRUCache<string, SessionEntry>(this.#options)
    return this.#lru
  }

  /** How many entries are kept. */
  get size (): number {
    return this.#lru?.size ?? 0
  }

  /** The bytes counted against the bound (Ory's bytes, keys and ENTRY_OVERHEAD_BYTES per entry). */
  get bytes (): number {
    return this.#lru?.calculatedSize ?? 0
  }

  get (key: string, now: number): SessionEntry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= now) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  set (key: string, entry: SessionEntry): void {
    // lru-cache counts an entry stale once more than `ttl` has passed; the entry is unusable from `expiresAt` on.
    const ttl = entry.expiresAt - this.#now() - 1
    if (!(ttl > 0)) return
    // Replacing a key disposes of its old entry (and its index entries) first. An entry larger than the whole bound
    // is not kept (lru-cache refuses it, and removes what the key held before).
    this.#entries.set(key, entry, { ttl: Number.isFinite(ttl) ? ttl : 0 })
    if (this.#entries.peek(key) !== entry) return
    index(this.#bySession, entry.sessionId, key)
    if (entry.identityId !== undefined) index(this.#byIdentity, entry.identityId, key)
  }

  delete (key: string): void {
    this.#entries.delete(key)
  }

  deleteSession (sessionId: string, identityId?: string): void {
    for (const key of [...this.#bySession.get(sessionId) ?? []]) {
      if (identityId === undefined || this.#entries.peek(key, { allowStale: true })?.identityId === identityId) this.#entries.delete(key)
    }
  }

  deleteIdentity (identityId: string, exceptKey?: string): void {
    for (const key of [...this.#byIdentity.get(identityId) ?? []]) {
      if (key !== exceptKey) this.#entries.delete(key)
    }
  }

  clear (): void {
    this.#lru?.clear()
  }

  /** Sweeps out every expired entry now (the timer does it every sweep interval). */
  sweep (): void {
    this.#lru?.purgeStale()
  }

  /** Stops the sweeps (the app's close). */
  close (): void {
    clearInterval(this.#sweeper)
  }

  #unindex (key: string, entry: SessionEntry): void {
    unindex(this.#bySession, entry.sessionId, key)
    if (entry.identityId !== undefined) unindex(this.#byIdentity, entry.identityId, key)
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
