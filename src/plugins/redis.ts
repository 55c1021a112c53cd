import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { RedisClient, RedisLog } from '../redis/client.js'

// The BFF's one Redis connection, for whatever is shared between replicas. Set whenever REDIS_URL is; connected once
// the app is ready, without failing when Redis is down (the client keeps trying, and each feature says what it does
// meanwhile), and closed with the app.

declare module 'fastify' {
  interface FastifyInstance {
    /** Undefined without REDIS_URL. */
    redis: RedisClient | undefined
  }
}

export interface RedisPluginOptions {
  config: Config
}

export const redisPlugin = fp(async function redis (app: FastifyInstance, { config }: RedisPluginOptions) {
  if (config.redisUrl === undefined) {
    app.decorate('redis', undefined)
    return
  }
  // Loaded only then: a BFF without Redis never loads ioredis.
  const { createRedisClient } = await import('../redis/client.js')
  const log: RedisLog = (level, message, fields) => app.log[level]({ redis: fields ?? {} }, message)
  const client = createRedisClient({ url: config.redisUrl, log })
  app.decorate('redis', client)
  app.addHook('onReady', async function connectRedis () {
    await client.connect()
  })
  app.addHook('onClose', async function closeRedis () {
    await client.close()
  })
}, { name: 'redis', fastify: '5.x' })
