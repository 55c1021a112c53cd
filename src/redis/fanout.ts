// Messages every replica must hear (a logout on one of them, say), over Redis pub/sub. Pub/sub keeps nothing: a
// replica that is not subscribed when a message is published never hears it. So the subscription's state is told to
// the caller (`onDown` the moment it may be missing messages, `onUp` once it hears them again), and the caller decides
// what it cannot trust in between; the session cache drops everything and serves uncached.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { RedisClient, RedisLog } from './client.js'

/** What goes over the channel: the sender, when it sent (epoch ms, the sender's clock) and what it says. */
interface Envelope {
  v: 1
  /** The sending replica's id: a replica ignores its own messages. */
  r: string
  /** Epoch milliseconds at publishing, for the fan-out lag. */
  t: number
  m: unknown
}

export interface FanoutOptions<T> {
  client: RedisClient
  /** The channel's name after the client's key prefix (`ory-bff:<name>`). */
  name: string
  /** The message as sent, or undefined for one that is not a message of this channel (never trusted as it comes). */
  parse: (message: unknown) => T | undefined
  /** A message from another replica; `lagMs` from its publishing to now (on two clocks, when replicas are hosts apart). */
  onMessage: (message: T, lagMs: number) => void
  /** The subscription is lost: messages may be missed from now on. */
  onDown: () => void
  /** Subscribed (again): messages are heard from now on. */
  onUp: () => void
  log: RedisLog
  /**
   * How long a message that could not be published (Redis was down) is still worth sending once Redis is back: for
   * evictions, the session cache's TTL, after which no replica still holds what the message evicts.
   */
  retainMs: number
  /** Most unsent messages kept; the oldest go first. Default 10,000. */
  maxPending?: number
  now?: () => number
}

const DEFAULT_MAX_PENDING = 10_000

/**
 * One channel of messages between replicas: published on the client's connection, heard on a connection of its own
 * (a subscribed connection can do nothing else). Messages published while Redis is down are kept (bounded, for
 * `retainMs`) and published once it is back, so that replicas that kept their subscription (Redis reachable from them,
 * not from here) still hear them.
 */
export class RedisFanout<T> {
  /** This replica's id, in every message it sends. */
  readonly replicaId = randomUUID()
  readonly channel: string
  readonly #client: RedisClient
  readonly #subscriber: Redis
  readonly #options: FanoutOptions<T>
  readonly #now: () => number
  readonly #maxPending: number
  readonly #pending: Envelope[] = []
  #subscribed = false
  #closed = false
  #flushing = false
  #whenSubscribed: (() => void) | undefined

  constructor (options: FanoutOptions<T>) {
    this.#options = options
    this.#client = options.client
    this.#now = options.now ?? Date.now
    this.#maxPending = options.maxPending ?? DEFAULT_MAX_PENDING
    this.channel = options.client.key(options.name)
    // Subscribed anew on every connection ('ready'), so that `onUp` is told only once the subscription is confirmed.
    this.#subscriber = options.client.redis.duplicate({ autoResubscribe: false, lazyConnect: true })
    // Errors are the client's to log (once per outage); an EventEmitter's 'error' without a listener throws.
    this.#subscriber.on('error', () => {})
    this.#subscriber.on('ready', () => { this.#subscribe() })
    this.#subscriber.on('close', () => { this.#lost() })
    this.#subscriber.on('message', (channel: string, text: string) => { this.#heard(channel, text) })
    this.#client.redis.on('ready', () => { this.#flush() })
  }

  /** Whether messages are heard now. */
  get subscribed (): boolean {
    return this.#subscribed
  }

  /** Unsent messages waiting for Redis. */
  get pending (): number {
    return this.#pending.length
  }

  /**
   * Connects the subscriber and waits for the subscription, at most for one connection attempt and the command
   * timeout; never throws (it keeps trying in the background, and `onUp` tells when it is in).
   */
  async connect (): Promise<void> {
    if (this.#subscriber.status !== 'wait') return
    let timer: NodeJS.Timeout | undefined
    const subscribed = new Promise<void>(resolve => {
      this.#whenSubscribed = resolve
      timer = setTimeout(resolve, this.#client.commandTimeoutMs)
    })
    try {
      await this.#subscriber.connect()
      await subscribed
    } catch {
      // Logged by the client; retried by ioredis's retry strategy.
    } finally {
      clearTimeout(timer)
      this.#whenSubscribed = undefined
    }
  }

  /** Sends a message to every other replica; kept for later when Redis cannot take it now. Never throws. */
  publish (message: T): void {
    const envelope: Envelope = { v: 1, r: this.replicaId, t: this.#now(), m: message }
    if (!this.#client.ready) {
      this.#keep(envelope)
      return
    }
    // What was kept goes first, in order.
    if (this.#pending.length > 0) this.#flush()
    this.#send(envelope)
  }

  async close (): Promise<void> {
    this.#closed = true
    this.#subscribed = false
    this.#subscriber.disconnect()
  }

  #send (envelope: Envelope): void {
    this.#client.redis.publish(this.channel, JSON.stringify(envelope)).catch((err: unknown) => {
      this.#keep(envelope)
      this.#options.log('warn', 'could not publish to the other replicas; kept until Redis is back', { channel: this.channel, err: { message: (err as Error).message } })
    })
  }

  #keep (envelope: Envelope): void {
    this.#pending.push(envelope)
    if (this.#pending.length > this.#maxPending) this.#pending.shift()
  }

  /** Publishes what was kept, oldest first, dropping what is too old to matter. */
  #flush (): void {
    if (this.#flushing || this.#closed) return
    this.#flushing = true
    const oldest = this.#now() - this.#options.retainMs
    const due = this.#pending.splice(0).filter(envelope => envelope.t > oldest)
    if (due.length > 0) this.#options.log('info', 'publishing what other replicas missed while Redis was away', { channel: this.channel, messages: due.length })
    for (const envelope of due) this.#send(envelope)
    this.#flushing = false
  }

  #subscribe (): void {
    if (this.#closed) return
    this.#subscriber.subscribe(this.channel).then(() => {
      if (this.#subscribed || this.#closed) return
      this.#subscribed = true
      this.#options.onUp()
      this.#whenSubscribed?.()
    }, (err: unknown) => {
      // The connection is failing: its 'close' follows, and the next 'ready' subscribes again.
      this.#options.log('warn', 'could not subscribe to the other replicas\' messages', { channel: this.channel, err: { message: (err as Error).message } })
    })
  }

  #lost (): void {
    if (!this.#subscribed) return
    this.#subscribed = false
    if (!this.#closed) this.#options.onDown()
  }

  #heard (channel: string, text: string): void {
    if (channel !== this.channel) return
    let envelope: Partial<Envelope> | null
    try {
      envelope = JSON.parse(text) as Partial<Envelope> | null
    } catch {
      return
    }
    if (envelope === null || typeof envelope !== 'object' || envelope.v !== 1 || envelope.r === this.replicaId || typeof envelope.t !== 'number') return
    const message = this.#options.parse(envelope.m)
    if (message === undefined) return
    this.#options.onMessage(message, Math.max(0, this.#now() - envelope.t))
  }
}
