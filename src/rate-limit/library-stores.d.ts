// Types of @fastify/rate-limit's two stores, which the package ships without: the counters live in them, and
// src/rate-limit/store.ts chooses between them per call.

declare module '@fastify/rate-limit/store/LocalStore.js' {
  /** Fixed windows in an LRU map of `cache` keys. */
  export default class LocalStore {
    constructor (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number)
    incr (key: string, callback: (error: Error | null, result?: { current: number, ttl: number }) => void, timeWindow: number, max: number): void
  }
}

declare module '@fastify/rate-limit/store/RedisStore.js' {
  import type { Redis } from 'ioredis'
  /** Fixed windows in Redis (INCR and PEXPIRE in one Lua script), under `key` followed by the caller's key. */
  export default class RedisStore {
    constructor (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key?: string)
    incr (key: string, callback: (error: Error | null, result?: { current: number, ttl: number }) => void, timeWindow: number, max: number): void
  }
}
