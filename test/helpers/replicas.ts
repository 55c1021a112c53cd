import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import { readyTestApp, captureLogs, type LogCapture } from './app.js'
import { NO_LOAD_SHEDDING, oryConfig } from './config.js'
import { until } from './oauth2-redis.js'
import { startRedis, type RedisServer } from './redis.js'
import { startSharedOry, type SharedOry } from './shared-ory.js'

// Several replicas of the BFF in one process, as a load balancer sees them: one emulator, one real redis-server, and
// apps that share nothing but those two. A long session-cache TTL, so that an answer that should have been evicted
// and was not shows up as a 200.

export interface Replica {
  app: App
  logs: LogCapture
}

export interface Replicas extends SharedOry {
  replicas: Replica[]
  redis: RedisServer
}

export async function withReplicas (t: Test, count: number, env: Record<string, string> = {}): Promise<Replicas> {
  const redis = await startRedis(t)
  const ory = await startSharedOry(t)
  const replicas: Replica[] = []
  for (let i = 0; i < count; i++) {
    const logs = captureLogs()
    const config = oryConfig(ory.emu.url, { ...NO_LOAD_SHEDDING, SESSION_CACHE_TTL_MS: '3600000', REDIS_URL: redis.url, LOG_LEVEL: 'info', ...env })
    replicas.push({ app: await readyTestApp(t, config, { logStream: logs.stream }), logs })
  }
  await hearing(replicas)
  return { ...ory, replicas, redis }
}

/** Until every replica hears the others' evictions (its subscription is confirmed after it is ready). */
export async function hearing (replicas: Array<Pick<Replica, 'app'>>): Promise<void> {
  await until('every replica hears the others', () => replicas.every(({ app }) => app.sessionFanout?.subscribed === true), { attempts: 200, intervalMs: 25 })
}

/** GET /api/session on a replica: its status. */
export async function sessionStatus (app: App, cookie: string): Promise<number> {
  return (await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode
}
