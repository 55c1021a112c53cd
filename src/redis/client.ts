// The BFF's Redis (or Valkey) connection, set up to fail fast and never hang a request: a command that cannot be
// sent now fails now (no offline queue), one that gets no answer fails after `commandTimeoutMs`, and the client keeps
// reconnecting in the background with a capped backoff, so that the store answers 503 while Redis is away and works
// again, unattended, once it is back. A BFF whose Redis is down starts anyway and reports itself not ready.
import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { Redis } from 'ioredis'

export type RedisLogLevel = 'debug' | 'info' | 'warn' | 'error'
/** The caller's logger; messages and fields never hold the URL's password or a stored value. */
export type RedisLog = (level: RedisLogLevel, message: string, fields?: Record<string, unknown>) => void

export const DEFAULT_KEY_PREFIX = 'ory-bff:'

export interface RedisClientOptions {
  /** `redis://[[user]:password@]host[:port][/db]`, `rediss://` for TLS. */
  url: string
  log: RedisLog
  /** Put before every key, so that several applications can share one Redis; default `ory-bff:`. */
  keyPrefix?: string
  /** How long a command may wait for its answer; default 2000 ms. */
  commandTimeoutMs?: number
  /** How long a connection attempt may take; default 2000 ms. */
  connectTimeoutMs?: number
  /** The longest pause between two reconnection attempts; default 2000 ms. */
  maxReconnectDelayMs?: number
  /** How long `close` waits for QUIT before it drops the connection; default 1000 ms. */
  closeTimeoutMs?: number
}

export class RedisClient {
  /** The ioredis client; its keys are not prefixed by it: use `key()`. */
  readonly redis: Redis
  readonly keyPrefix: string
  readonly commandTimeoutMs: number
  readonly #log: RedisLog
  readonly #closeTimeoutMs: number
  #down = false
  #failedAttempts = 0
  #wasReady = false
  #closing = false
  /** The round trip of the last PING that was answered, in milliseconds. */
  #latencyMs: number | undefined

  constructor (options: RedisClientOptions) {
    this.#log = options.log
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
    this.commandTimeoutMs = options.commandTimeoutMs ?? 2000
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 1000
    const maxDelay = options.maxReconnectDelayMs ?? 2000
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      // Commands of the same tick (many requests' session reads) go out in one write.
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      commandTimeout: this.commandTimeoutMs,
      connectTimeout: options.connectTimeoutMs ?? 2000,
      // Exponential from 50 ms, capped, with jitter so that many replicas do not reconnect in step; never null: the
      // client must not give up while the process runs.
      retryStrategy: times => Math.min(maxDelay, 50 * 2 ** Math.min(times, 10)) + Math.floor(Math.random() * 50),
      // The key prefix is applied by `key()`, in sight of the code that builds keys (and of the Lua scripts).
      keyPrefix: ''
    })
    // An EventEmitter's 'error' without a listener throws: connection errors are logged, once per outage.
    this.redis.on('error', (err: Error) => {
      this.#failedAttempts++
      if (this.#down) return
      this.#down = true
      this.#log('error', 'Redis is unreachable; retrying in the background', { err: { message: err.message, code: (err as { code?: unknown }).code } })
    })
    this.redis.on('ready', () => {
      if (this.#down) this.#log('info', 'Redis is reachable again', { failedAttempts: this.#failedAttempts })
      this.#down = false
      this.#failedAttempts = 0
      this.#wasReady = true
    })
    this.redis.on('close', () => {
      if (this.#wasReady && !this.#closing) this.#log('warn', 'The Redis connection was lost; reconnecting')
      this.#wasReady = false
    })
  }

  /** The key as stored: the prefix and the parts joined by `:`. */
  key (...parts: string[]): string {
    return `${this.keyPrefix}${parts.join(':')}`
  }

  /** Whether commands can be sent now. */
  get ready (): boolean {
    return this.redis.status === 'ready'
  }

  /**
   * Connects, waiting at most for one attempt; true when connected. Never throws: when Redis is down, the client
   * keeps trying in the background and the BFF reports not ready until it is back.
   */
  async connect (): Promise<boolean> {
    if (this.redis.status !== 'wait') return this.ready
    try {
      await this.redis.connect()
      return true
    } catch (err) {
      if (!this.#down) {
        this.#down = true
        this.#log('error', 'Redis is unreachable at start-up; retrying in the background', { err: { message: (err as Error).message } })
      }
      return false
    }
  }

  /** The round trip of the last PING that was answered, in milliseconds (undefined before any). */
  get latencyMs (): number | undefined {
    return this.#latencyMs
  }

  /** PING, answered within `timeoutMs` (default: the command timeout). */
  async ping (timeoutMs = this.commandTimeoutMs): Promise<boolean> {
    if (!this.ready) return false
    let timer: NodeJS.Timeout | undefined
    try {
      const started = performance.now()
      const pong = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error('PING timed out')), timeoutMs) })
      ])
      this.#latencyMs = performance.now() - started
      return pong === 'PONG'
    } catch {
      return false
    } finally {
      clearTimeout(timer)
    }
  }

  /** QUIT, waiting for pending answers at most `closeTimeoutMs`, then the connection is dropped. */
  async close (): Promise<void> {
    const redis = this.redis
    this.#closing = true
    if (redis.status === 'end') return
    if (redis.status !== 'ready') {
      redis.disconnect()
      return
    }
    let timer: NodeJS.Timeout | undefined
    try {
      const ended = once(redis, 'end')
      // events.once rejects on an 'error' event; after a timeout nobody awaits it any more.
      ended.catch(() => {})
      await Promise.race([
        (async () => {
          await redis.quit()
          await ended
        })(),
        new Promise<void>(resolve => { timer = setTimeout(resolve, this.#closeTimeoutMs) })
      ])
    } catch {
      // Closing anyway.
    } finally {
      clearTimeout(timer)
      // QUIT has changed the status since the check above.
      if ((redis.status as string) !== 'end') redis.disconnect()
    }
  }
}

export function createRedisClient (options: RedisClientOptions): RedisClient {
  return new RedisClient(options)
}
