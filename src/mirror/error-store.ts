import { randomUUID } from 'node:crypto'
import { LRUCache } from 'lru-cache'

// The errors of requests the mirror refused for a browser that navigated to it. Kratos stores its own flow errors and
// sends the browser to the error UI with the stored error's id (selfservice/errorx/manager.go `Manager.Forward`); the
// UI reads it back with `GET /self-service/errors?id=` (selfservice/errorx/handler.go `fetchError`). The mirror does
// the same for its refusals, in memory: anybody can make the mirror refuse a request, so the store is bounded by count,
// by size and by age, and an error too large to keep whole is cut, never refused (the browser is on its way to it).

/** At most this many errors are kept; the oldest go first. */
export const ERROR_STORE_MAX_ENTRIES = 10_000
/** An error is readable this long after the refusal: long enough to load the error page, even slowly, and reload it. */
export const ERROR_STORE_MAX_AGE_MS = 10 * 60_000
/** At most this many bytes of errors (as JSON) are kept in all. */
export const ERROR_STORE_MAX_BYTES = 8 * 1024 * 1024
/** An error larger than this as JSON is kept without its `details` and with its `reason` cut. */
export const ERROR_STORE_MAX_ENTRY_BYTES = 4 * 1024

/** How much of `reason` an error cut to size keeps. */
const CUT_REASON_LENGTH = 1024

/** Kratos's `flowError` model (`ErrorContainer`): the error is Ory's generic error content, not wrapped in `error`. */
export interface StoredFlowError {
  id: string
  error: Record<string, unknown>
  created_at: string
  updated_at: string
}

export interface FlowErrorStoreOptions {
  maxEntries?: number
  maxAgeMs?: number
  maxBytes?: number
  /** The clock, in milliseconds since the epoch. */
  now?: () => number
}

interface Entry {
  json: string
  createdAt: number
}

export class FlowErrorStore {
  readonly #options: LRUCache.Options<string, Entry, unknown>
  #lru: LRUCache<string, Entry> | undefined
  readonly #maxAgeMs: number
  readonly #now: () => number

  constructor ({ maxEntries = ERROR_STORE_MAX_ENTRIES, maxAgeMs = ERROR_STORE_MAX_AGE_MS, maxBytes = ERROR_STORE_MAX_BYTES, now = Date.now }: FlowErrorStoreOptions = {}) {
    // The age is checked on reading, against the injectable clock: expired entries cost nothing but their place,
    // and count and size bound that.
    this.#options = { max: maxEntries, maxSize: maxBytes, sizeCalculation: entry => Buffer.byteLength(entry.json) }
    this.#maxAgeMs = maxAgeMs
    this.#now = now
  }

  /** Made at the first error kept, not with the store: an LRUCache allocates its arrays for all of `max` at once. */
  get #entries (): LRUCache<string, Entry> {
    this.#lru ??= new LRUCache(this.#options)
    return this.#lru
  }

  get size (): number {
    return this.#lru?.size ?? 0
  }

  /** Keeps the error content (what `{"error": …}` holds) under a new random UUID, and answers with the id. */
  add (error: Record<string, unknown>): string {
    const id = randomUUID()
    this.#entries.set(id, { json: fitted(error), createdAt: this.#now() })
    return id
  }

  /** The error as Kratos's `flowError`, or undefined when the id is not one of the store's (or has expired). */
  get (id: string): StoredFlowError | undefined {
    // peek: reading an error does not make it younger, so the oldest still go first.
    const entry = this.#entries.peek(id)
    if (entry === undefined) return undefined
    if (this.#now() - entry.createdAt > this.#maxAgeMs) {
      this.#entries.delete(id)
      return undefined
    }
    const at = new Date(entry.createdAt).toISOString()
    return { id, error: JSON.parse(entry.json) as Record<string, unknown>, created_at: at, updated_at: at }
  }
}

/** The error as JSON, at most ERROR_STORE_MAX_ENTRY_BYTES: without `details`, then with `reason` cut, if need be. */
function fitted (error: Record<string, unknown>): string {
  let json = JSON.stringify(error)
  if (Buffer.byteLength(json) <= ERROR_STORE_MAX_ENTRY_BYTES) return json
  const { details: _details, ...rest } = error
  json = JSON.stringify(rest)
  if (Buffer.byteLength(json) <= ERROR_STORE_MAX_ENTRY_BYTES) return json
  const reason = typeof rest.reason === 'string' ? cut(rest.reason, CUT_REASON_LENGTH) : undefined
  json = JSON.stringify({ ...rest, ...(reason === undefined ? {} : { reason }) })
  if (Buffer.byteLength(json) <= ERROR_STORE_MAX_ENTRY_BYTES) return json
  // Nothing of ours is this large without details and reason; a message alone is all there is room for.
  return JSON.stringify({ code: rest.code, status: rest.status, message: cut(String(rest.message ?? ''), CUT_REASON_LENGTH) })
}

/** At most `length` characters, never half a surrogate pair, marked as cut. */
function cut (text: string, length: number): string {
  if (text.length <= length) return text
  let end = length - 3
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${text.slice(0, end)}...`
}
