import type { Test } from 'tap'
import { RedisClient } from '../../src/redis/client.js'
import { freePort } from './ports.js'
import { CLIENT_ID, CLIENT_SECRET, startOAuth2Bff, type OAuth2Bff, type OAuth2BffOptions } from './oauth2.js'
import { dump, startRedis, type RedisServer } from './redis.js'

// The OAuth2 routes with TOKEN_STORE=redis: a real redis-server per test, the emulator, and the BFF in front of both.

export interface RedisBff extends OAuth2Bff {
  redis: RedisServer
}

/** A redis-server and the emulator-backed BFF with TOKEN_STORE=redis on it; all closed with the test. */
export async function startRedisBff (t: Test, options: OAuth2BffOptions = {}): Promise<RedisBff> {
  const redis = await startRedis(t)
  const bff = await startOAuth2Bff(t, { ...options, env: { TOKEN_STORE: 'redis', REDIS_URL: redis.url, ...options.env } })
  return { ...bff, redis }
}

/** Every key and value of the Redis server at `url`, read through a client of its own. */
export async function dumpRedis (url: string): Promise<Map<string, string>> {
  const client = new RedisClient({ url, log: () => {} })
  if (!await client.connect()) throw new Error('could not connect to the test redis-server')
  try {
    return await dump(client)
  } finally {
    await client.close()
  }
}

/** Polls `condition` every `intervalMs` until it holds, at most `attempts` times; throws if it never does. */
export async function until (what: string, condition: () => Promise<boolean> | boolean, { attempts = 100, intervalMs = 50 } = {}): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await condition()) return
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
  throw new Error(`${what}: still not the case after ${attempts} attempts`)
}

/** Every key of a Redis server as DUMP gives it, with its remaining lifetime: what a persisted Redis would reload. */
export type RedisSnapshot = Array<{ key: string, ttlMs: number, value: Buffer }>

export async function snapshotRedis (url: string): Promise<RedisSnapshot> {
  const client = new RedisClient({ url, log: () => {} })
  if (!await client.connect()) throw new Error('could not connect to the test redis-server')
  try {
    const keys = [...(await dump(client)).keys()]
    return await Promise.all(keys.map(async key => ({ key, ttlMs: await client.redis.pttl(key), value: (await client.redis.dumpBuffer(key))! })))
  } finally {
    await client.close()
  }
}

/** Writes a snapshot back (RESTORE), as a Redis with persistence would after a restart. */
export async function restoreRedis (url: string, snapshot: RedisSnapshot): Promise<void> {
  const client = new RedisClient({ url, log: () => {} })
  if (!await client.connect()) throw new Error('could not connect to the test redis-server')
  try {
    for (const { key, ttlMs, value } of snapshot) await client.redis.restore(key, Math.max(0, ttlMs), value, 'REPLACE')
  } finally {
    await client.close()
  }
}

/**
 * The Redis-backed BFF listening on 127.0.0.1 at a port of its own, PUBLIC_URL being that origin, and the emulator's
 * client registered for it with its back-channel logout URI: the provider can reach the BFF server to server.
 */
export async function startListeningRedisBff (t: Test, options: OAuth2BffOptions = {}): Promise<RedisBff & { publicUrl: string }> {
  const port = await freePort()
  const publicUrl = `http://127.0.0.1:${port}`
  const bff = await startRedisBff(t, { ...options, env: { PUBLIC_URL: publicUrl, ...options.env } })
  bff.emu.ctx.oauth2.addClient({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [`${publicUrl}/api/oauth2/callback`],
    post_logout_redirect_uris: [`${publicUrl}/`],
    backchannel_logout_uri: `${publicUrl}/api/oauth2/backchannel-logout`,
    scope: 'openid offline_access email profile'
  })
  await bff.app.listen({ port, host: '127.0.0.1' })
  return { ...bff, publicUrl }
}
