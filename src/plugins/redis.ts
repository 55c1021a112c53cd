import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Gauge } from 'prom-client'
import type { Config } from '../config.js'
import type { RedisClient, RedisLog } from '../redis/client.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The one Redis (or Valkey) connection every feature shares when REDIS_URL is set (token store, session-eviction
     * fan-out, rate limits); undefined without REDIS_URL. Connected when the server is ready, closed with it. Commands
     * fail at once while Redis is down: each feature says what it does then.
     */
    redis: RedisClient | undefined
  }
}

export interface RedisPluginOptions {
  config: Config
}

/**
 * REDIS_URL's connection. ioredis is loaded only then (scripts/bundle.ts's LAZY_PARTS): a BFF without Redis never
 * evaluates it. A Redis that is down never fails the start: the client keeps reconnecting in the background, readiness
 * lists what is degraded meanwhile, and everything comes back unattended.
 */
export const redisPlugin = fp(async function redis (app: FastifyInstance, options: RedisPluginOptions) {
  const url = options.config.redisUrl
  if (url === undefined) {
    app.decorate('redis', undefined)
    return
  }
  const { createRedisClient } = await import('../redis/client.js')
  const log: RedisLog = (level, message, fields) => app.log[level]({ redis: fields ?? {} }, message)
  const client = createRedisClient({ url, log })
  app.decorate('redis', client)

  const registers = [app.metrics.registry]
  // eslint-disable-next-line no-new -- registered with the app's registry, read when scraped.
  new Gauge({
    name: 'ory_bff_redis_up',
    help: 'Whether the Redis connection is ready for commands (1) or not (0).',
    registers,
    collect () { this.set(client.ready ? 1 : 0) }
  })
  // eslint-disable-next-line no-new -- registered with the app's registry, read when scraped.
  new Gauge({
    name: 'ory_bff_redis_ping_seconds',
    help: 'Round trip of the readiness probe\'s last answered PING to Redis.',
    registers,
    collect () {
      const ms = client.latencyMs
      if (ms !== undefined) this.set(ms / 1000)
    }
  })

  // Readiness's `degraded` follows Redis at once, not at the next probe.
  const recheck = (): void => { app.readiness.recheck() }
  client.redis.on('ready', recheck)
  client.redis.on('close', recheck)
  app.addHook('onReady', async function connectRedis () {
    if (!await client.connect()) app.log.warn('Redis is not reachable yet: what needs it is degraded until it is (see /health/ready)')
  })
  app.addHook('onClose', async function closeRedis () {
    await client.close()
  })
}, { name: 'redis', fastify: '5.x', dependencies: ['metrics'] })
