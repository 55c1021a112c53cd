import LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import RedisStore from '@fastify/rate-limit/store/RedisStore.js'
import type { RedisClient, RedisLog } from '../redis/client.js'

// The rate limits' counters, for @fastify/rate-limit: in Redis when there is one, so that every replica counts the
// same requests and a limit is the limit whichever replica a request reaches; in this process when there is none, or
// while Redis cannot be reached. A limit never turns into "no limit" and a request never fails because the counters'
// store is down: the process counts on its own until Redis answers again, then goes back to the shared counts.

export interface RateLimitCounter {
  current: number
  /** Milliseconds left of the key's window. */
  ttl: number
}

export type RateLimitCallback = (error: Error | null, result?: RateLimitCounter) => void

export interface CounterStoreOptions {
  /** The shared Redis; undefined: counted in this process only. */
  redis?: RedisClient
  log: RedisLog
  /** After a Redis call failed, how long to count in-process before trying Redis again; default 5000 ms. */
  retryMs?: number
  /** Most keys counted in-process (least recently used forgotten first); default 100000. */
  localKeys?: number
  /** The clock (tests). */
  now?: () => number
}

/** The store contract of @fastify/rate-limit (`incr`, `child`), over Redis with an in-process fallback. */
export class CounterStore {
  readonly #local: LocalStore
  readonly #client: RedisClient | undefined
  readonly #shared: RedisStore | undefined
  readonly #log: RedisLog
  readonly #retryMs: number
  readonly #now: () => number
  /** No Redis call before this time: one failed lately. */
  #retryAt = 0
  /** Counting in-process although there is a Redis: said once per outage. */
  #fallingBack = false

  constructor (options: CounterStoreOptions) {
    this.#local = new LocalStore(false, false, options.localKeys ?? 100_000)
    this.#client = options.redis
    // Under the client's prefix (`ory-bff:rate-limit:<limit>:<key>`), beside the BFF's other keys.
    this.#shared = options.redis === undefined ? undefined : new RedisStore(false, false, options.redis.redis, options.redis.key('rate-limit', ''))
    this.#log = options.log
    this.#retryMs = options.retryMs ?? 5_000
    this.#now = options.now ?? Date.now
  }

  /**
   * Whether the next count goes to Redis, shared by every replica: false without REDIS_URL, while the connection is
   * down, and for `retryMs` after a Redis call failed.
   */
  get shared (): boolean {
    return this.#client !== undefined && this.#client.ready && this.#now() >= this.#retryAt
  }

  /** Whether there is a Redis to share the counts through (REDIS_URL). */
  get redisConfigured (): boolean {
    return this.#client !== undefined
  }

  incr (key: string, callback: RateLimitCallback, timeWindow: number, max: number): void {
    const shared = this.#shared
    if (shared === undefined) {
      this.#local.incr(key, callback, timeWindow, max)
      return
    }
    if (!this.shared) {
      this.#fallBack(undefined)
      this.#local.incr(key, callback, timeWindow, max)
      return
    }
    shared.incr(key, (err, result) => {
      if (err !== null || result === undefined) {
        this.#retryAt = this.#now() + this.#retryMs
        this.#fallBack(err ?? undefined)
        this.#local.incr(key, callback, timeWindow, max)
        return
      }
      if (this.#fallingBack) {
        this.#fallingBack = false
        this.#log('info', 'Rate limits are counted in Redis again, shared by every replica')
      }
      callback(null, result)
    }, timeWindow, max)
  }

  /** Every limit counts in this one store: the keys say which limit they belong to. */
  child (): this {
    return this
  }

  #fallBack (err: Error | undefined): void {
    if (this.#fallingBack) return
    this.#fallingBack = true
    this.#log('warn', 'Redis cannot be reached: rate limits are counted in this process until it is back', err === undefined ? undefined : { err: { message: err.message } })
  }
}
