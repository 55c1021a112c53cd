// One run at a time per key in this process, every concurrent caller sharing its outcome: the refresh of one
// session's tokens must happen once, since a rotated refresh token replayed is, to Hydra, a stolen one (RFC 9700
// §4.14.2: the whole token family is revoked).

export class SingleFlight {
  readonly #flights = new Map<string, Promise<unknown>>()

  /** `run`'s result for the first caller of `key` and for everyone who calls while it runs; errors too. */
  async run<T> (key: string, run: () => Promise<T>): Promise<T> {
    const current = this.#flights.get(key)
    if (current !== undefined) return await (current as Promise<T>)
    const flight = (async () => await run())()
    this.#flights.set(key, flight)
    try {
      return await flight
    } finally {
      this.#flights.delete(key)
    }
  }

  /** How many keys have a run in flight. */
  get size (): number {
    return this.#flights.size
  }
}

/** A small map bounded in size (least recently used goes first) and in time (entries drop at their expiry). */
export class Memo<V> {
  readonly #entries = new Map<string, { value: V, expiresAt: number }>()
  readonly #max: number

  constructor (max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('Memo needs a size of at least 1')
    this.#max = max
  }

  get (key: string, now: number): V | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    this.#entries.delete(key)
    if (now >= entry.expiresAt) return undefined
    this.#entries.set(key, entry)
    return entry.value
  }

  set (key: string, value: V, expiresAt: number): void {
    this.#entries.delete(key)
    this.#entries.set(key, { value, expiresAt })
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!)
  }

  delete (key: string): void {
    this.#entries.delete(key)
  }

  clear (): void {
    this.#entries.clear()
  }

  get size (): number {
    return this.#entries.size
  }
}
