import { LRUCache } from 'lru-cache'

// A short memory of evictions, so that a call to Ory that was out when its session was evicted does not bring the
// evicted answer back. An eviction names what it ends (a credentials key, a session, an identity's other sessions) and
// voids only calls about that: calls about other sessions, and the checks joined on them, are left alone, so that no
// request, however many are sent, can make the cache forget what it holds for anyone else.

/** Where a call stood when it began: the last eviction before it, and when (on the log's clock). */
export interface CallStart {
  readonly seq: number
  readonly at: number
}

interface Mark {
  /** Evictions are numbered in order: the clock may not move between two of them (or a test stops it). */
  seq: number
  /** An identity's eviction spares this key (the session that asked for the others to end). */
  exceptKey: string | undefined
  /** A session's eviction asked for by its owner voids only answers of that identity (see `recordSession`). */
  owner?: string | undefined
}

/** How long evictions are remembered when nobody says how long a call to Ory can take. */
export const DEFAULT_CALL_WINDOW_MS = 60_000

export interface EvictionLogOptions {
  /**
   * How long an eviction is remembered: at least as long as a call to Ory can be in flight (the upstream timeout).
   * A call still out after this long is treated as evicted.
   */
  windowMs: number
  /** Most evictions remembered; default 10,000. */
  max?: number
}

/**
 * Evictions of the last `windowMs`, by key, session id and identity id, bounded. Should the bound push out an eviction
 * before its time, every call that began before it is treated as evicted (none is wrongly kept; some answers go
 * uncached until those calls are done); only evictions that Ory confirmed are recorded, so that takes a great many
 * real logouts.
 */
export class EvictionLog {
  readonly #windowMs: number
  readonly #max: number
  #lru: LRUCache<string, Mark> | undefined
  #seq = 0
  /** Calls that began before this eviction are treated as evicted (the log forgot one of theirs too soon). */
  #floor = 0

  constructor (options: EvictionLogOptions) {
    this.#windowMs = options.windowMs
    this.#max = options.max ?? 10_000
  }

  /**
   * Made at the first eviction recorded or looked up, not with the log: an LRUCache allocates its arrays for all of
   * `max` at once, and every server start made two such logs that most processes use late or never.
   */
  get #marks (): LRUCache<string, Mark> {
    this.#lru ??= new LRUCache<string, Mark>({
      max: this.#max,
      ttl: this.#windowMs,
      ttlAutopurge: false,
      dispose: (mark, _name, reason) => {
        if (reason === 'evict' && mark.seq > this.#floor) this.#floor = mark.seq
      }
    })
    return this.#lru
  }

  /** Where a call beginning now stands. */
  start (): CallStart {
    return { seq: this.#seq, at: performance.now() }
  }

  /** The number of the last eviction. */
  get seq (): number {
    return this.#seq
  }

  /**
   * Everything may have been evicted (evictions were missed: the fan-out between replicas was down): every call that
   * began before now is treated as evicted.
   */
  recordAll (): void {
    this.#floor = ++this.#seq
  }

  recordKey (key: string): void {
    this.#record(`k\0${key}`, undefined)
  }

  /**
   * A session ended. With `owner`, it ended because that identity revoked it by id: Ory answers such a revocation with
   * success whoever owns the id (Kratos' `RevokeSession` updates only the caller's rows), so the eviction is held to
   * answers of that identity, and nobody can void what is cached for someone else's session.
   */
  recordSession (sessionId: string, owner?: string): void {
    const name = `s\0${sessionId}`
    const earlier = this.#marks.get(name)
    // Two owners for one id (one of them wrong): the eviction holds for every answer.
    const kept = owner === undefined || (earlier !== undefined && earlier.owner !== owner) ? undefined : owner
    this.#marks.set(name, { seq: ++this.#seq, exceptKey: undefined, owner: kept })
  }

  recordIdentity (identityId: string, exceptKey: string | undefined): void {
    const name = `i\0${identityId}`
    const earlier = this.#marks.get(name)
    // Two evictions of an identity's other sessions from two sessions: neither is spared any more.
    this.#record(name, earlier === undefined || earlier.exceptKey === exceptKey ? exceptKey : undefined)
  }

  /**
   * Whether an answer got by a call that began at `start` was evicted after it began, and (with `until`) no later than
   * eviction number `until`: by its key, its session, or its identity.
   */
  evicted (start: CallStart, key: string, sessionId: string | undefined, identityId: string | undefined, until = Number.POSITIVE_INFINITY): boolean {
    if (start.seq < this.#floor || performance.now() - start.at >= this.#windowMs) return true
    if (start.seq === this.#seq) return false
    const after = (mark: Mark | undefined): boolean => mark !== undefined && mark.seq > start.seq && mark.seq <= until
    if (after(this.#marks.get(`k\0${key}`))) return true
    if (sessionId !== undefined) {
      const mark = this.#marks.get(`s\0${sessionId}`)
      if (after(mark) && (mark!.owner === undefined || mark!.owner === identityId)) return true
    }
    if (identityId === undefined) return false
    const mark = this.#marks.get(`i\0${identityId}`)
    return after(mark) && mark!.exceptKey !== key
  }

  #record (name: string, exceptKey: string | undefined): void {
    this.#marks.set(name, { seq: ++this.#seq, exceptKey })
  }
}
