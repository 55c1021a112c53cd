import { fastifyRateLimit, normalizeIP, type RateLimitPluginOptions as LibraryOptions } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge } from 'prom-client'
import type { Config } from '../config.js'
import { HttpError } from '../errors.js'
import { identifiersOf, IDENTIFIER_OPERATIONS } from '../rate-limit/identifier.js'
import { CounterStore } from '../rate-limit/store.js'
import type { RedisLog } from '../redis/client.js'

// Limits on the routes attackers hammer (docs/rate-limits.md), with @fastify/rate-limit's counting over one store:
// Redis when REDIS_URL is set, so that a limit holds across every replica; this process otherwise, and while Redis
// cannot be reached. The routes take the hooks (`app.rateLimits`) and put them where they belong: the client IP's
// before the body is read, the identifier's once it is parsed. Routes that take none (`/health/*`, `/metrics`, all
// the others) are never limited.

/** A route hook that counts the request and refuses it, with a 429, once over the limit. */
export type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

export interface LimitOptions {
  /** The limit's name: the first part of its keys, and the `limit` label of `ory_bff_rate_limited_total`. */
  name: string
  max: number
  windowMs: number
  /** The key the request is counted under (an identity's id, say). */
  key: (request: FastifyRequest) => string
  /** The answer once over the limit, given the whole seconds until the window ends (its `Retry-After`). */
  refusal: (retryAfterSeconds: number) => HttpError
}

export interface RateLimits {
  /** Whether any limit is on (RATE_LIMIT=on, or ADMIN_API=on with its per-identity limit): else `shared` means nothing. */
  readonly enabled: boolean
  /** Whether the counts are shared by every replica now (Redis); false without REDIS_URL or while Redis is down. */
  readonly shared: boolean
  /** Whether a Redis is configured to share them (REDIS_URL): then `shared` false means degraded. */
  readonly redisConfigured: boolean
  /** For `onRequest` of a limited route: the client IP's count (RATE_LIMIT_IP_MAX); undefined with RATE_LIMIT=off. */
  readonly perClientIp: LimitHook | undefined
  /**
   * For `preValidation` of a flow submit: the count of each identifier its body names (RATE_LIMIT_IDENTIFIER_MAX);
   * undefined with RATE_LIMIT=off, or for an operation whose body names none.
   */
  perIdentifier: (operationId: string) => LimitHook | undefined
  /** A limit of the caller's own (the admin routes' per identity), counted in the same store. */
  limit: (options: LimitOptions) => LimitHook
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimits
  }
}

export interface RateLimitsPluginOptions {
  config: Config
}

/** The refusal of a limited sign-in route: Ory's error shape, and when to try again. */
function tooManyRequests (limit: 'ip' | 'identifier', max: number, windowMs: number, retryAfterSeconds: number): HttpError {
  const per = `${Math.round(windowMs / 1000)} s`
  return new HttpError(429, 'Too many requests, retry later', {
    id: 'rate_limit_exceeded',
    reason: limit === 'ip'
      ? `More than ${max} sign-in requests from this address in ${per}; retry in ${retryAfterSeconds} s.`
      : `More than ${max} attempts for this account in ${per}; retry in ${retryAfterSeconds} s.`,
    details: { limit },
    headers: { 'retry-after': String(retryAfterSeconds) }
  })
}

export const rateLimitPlugin = fp(async function rateLimits (app: FastifyInstance, { config }: RateLimitsPluginOptions) {
  const log: RedisLog = (level, message, fields) => app.log[level]({ rateLimit: fields ?? {} }, message)
  const store = new CounterStore({ redis: app.redis, log })
  // @fastify/rate-limit makes its store with `new`: it gets this one. No limit is global; the routes choose theirs.
  const SharedStore = function SharedStore () { return store } as unknown as NonNullable<LibraryOptions['store']>
  await app.register(fastifyRateLimit, { global: false, store: SharedStore })

  const limited = new Counter({
    name: 'ory_bff_rate_limited_total',
    help: 'Requests refused with a 429 by a rate limit, by limit (ip, identifier, admin).',
    labelNames: ['limit'],
    registers: [app.metrics.registry]
  })
  // eslint-disable-next-line no-new -- registered with the registry, read when scraped
  new Gauge({
    name: 'ory_bff_rate_limit_shared',
    help: 'Whether the rate limits are counted in Redis, shared by every replica (1), or in this process (0).',
    registers: [app.metrics.registry],
    collect () {
      this.set(store.shared ? 1 : 0)
    }
  })

  /** Counts a request under a key of the limit's; throws the limit's refusal once over it. */
  function counter (options: Omit<LimitOptions, 'key'>): (request: FastifyRequest, key: string) => Promise<void> {
    // The library takes the key from a generator of the request: a submit may be counted under several keys.
    const keys = new WeakMap<FastifyRequest, string>()
    const count = app.createRateLimit({ max: options.max, timeWindow: options.windowMs, keyGenerator: request => `${options.name}:${keys.get(request)!}` })
    return async function countRequest (request, key) {
      keys.set(request, key)
      const result = await count(request)
      if (result.isAllowed || !result.isExceeded) return
      limited.inc({ limit: options.name })
      throw options.refusal(Math.max(1, result.ttlInSeconds))
    }
  }

  function limit (options: LimitOptions): LimitHook {
    const count = counter(options)
    return async function rateLimit (request) {
      await count(request, options.key(request))
    }
  }

  const limits = config.rateLimit
  let perClientIp: LimitHook | undefined
  const perIdentifier = new Map<string, LimitHook>()
  if (limits !== undefined) {
    const { windowMs, ipMax, identifierMax } = limits
    // request.ip is the address TRUST_PROXY lets Fastify believe; IPv6 counted by /64, which one host usually has.
    perClientIp = limit({ name: 'ip', max: ipMax, windowMs, key: request => normalizeIP(request.ip), refusal: after => tooManyRequests('ip', ipMax, windowMs, after) })
    const identifier = counter({ name: 'identifier', max: identifierMax, windowMs, refusal: after => tooManyRequests('identifier', identifierMax, windowMs, after) })
    for (const operationId of IDENTIFIER_OPERATIONS) {
      perIdentifier.set(operationId, async function identifierRateLimit (request) {
        for (const key of identifiersOf(operationId, request.body)) await identifier(request, key)
      })
    }
  }

  app.decorate('rateLimits', {
    enabled: limits !== undefined || config.admin !== undefined,
    get shared () {
      return store.shared
    },
    get redisConfigured () {
      return store.redisConfigured
    },
    perClientIp,
    perIdentifier: (operationId: string) => perIdentifier.get(operationId),
    limit
  } satisfies RateLimits)
}, { name: 'rate-limit', fastify: '5.x', dependencies: ['metrics', 'redis'] })
