/** A permission question about one subject: may `subject` have `relation` on `namespace:object`? */
export interface PermissionTuple {
  namespace: string
  object: string
  relation: string
}

export interface PermissionCacheOptions {
  /** How long an answer is kept, in milliseconds; 0 turns the cache off. */
  ttlMs: number
  /** Most answers kept; the least recently used goes first. 0 turns the cache off. */
  max: number
  /** The clock (tests advance their own). */
  now?: () => number
}

interface Entry {
  allowed: boolean
  expiresAt: number
}

/**
 * Keto's answers per (subject, tuple), for a short while. The subject is part of every key, so two identities never
 * share an answer. Bounded: past `max` the least recently used answer is dropped; an expired one is dropped when met.
 * Only answers Keto gave are stored: a failure is never cached, so the next call asks again.
 */
export class PermissionCache {
  readonly ttlMs: number
  readonly max: number
  readonly #now: () => number
  // A Map keeps insertion order: re-inserting on a hit makes its first key the least recently used.
  readonly #entries = new Map<string, Entry>()

  constructor (options: PermissionCacheOptions) {
    this.ttlMs = options.ttlMs
    this.max = options.max
    this.#now = options.now ?? Date.now
  }

  get enabled (): boolean {
    return this.ttlMs > 0 && this.max > 0
  }

  get size (): number {
    return this.#entries.size
  }

  /** The cached answer, or undefined when there is none (or it has expired). */
  get (subject: string, tuple: PermissionTuple): boolean | undefined {
    if (!this.enabled) return undefined
    const key = cacheKey(subject, tuple)
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    this.#entries.delete(key)
    if (entry.expiresAt <= this.#now()) return undefined
    this.#entries.set(key, entry)
    return entry.allowed
  }

  set (subject: string, tuple: PermissionTuple, allowed: boolean): void {
    if (!this.enabled) return
    const key = cacheKey(subject, tuple)
    this.#entries.delete(key)
    this.#entries.set(key, { allowed, expiresAt: this.#now() + this.ttlMs })
    while (this.#entries.size > this.max) {
      const oldest = this.#entries.keys().next()
      if (oldest.done === true) break
      this.#entries.delete(oldest.value)
    }
  }

  /** Forgets every answer about one subject (after a sign-out, say), or every answer at all. */
  clear (subject?: string): void {
    if (subject === undefined) {
      this.#entries.clear()
      return
    }
    const prefix = `${JSON.stringify(subject)},`
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(`[${prefix}`)) this.#entries.delete(key)
    }
  }
}

// JSON keeps the parts apart whatever characters they hold: no two different questions share a key.
function cacheKey (subject: string, tuple: PermissionTuple): string {
  return JSON.stringify([subject, tuple.namespace, tuple.object, tuple.relation])
}
