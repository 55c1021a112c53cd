import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js'
import { createOryClient, type OryClient } from '../../src/ory/index.js'
import { readyTestApp, captureLogs, type LogCapture } from './app.js'
import { NO_LOAD_SHEDDING, oryConfig, PASSWORD_HASH_COST, PUBLIC_URL } from './config.js'
import { CookieJar, signInBrowser, signUpNative } from './emulator.js'
import { startRedis, type RedisServer } from './redis.js'
import { until } from './oauth2-redis.js'

// Several replicas of the BFF in one process, as a load balancer sees them: one emulator, one real redis-server, and
// apps that share nothing but those two. A long session-cache TTL, so that an answer that should have been evicted
// and was not shows up as a 200.

export interface Replica {
  app: App
  logs: LogCapture
}

export interface Replicas {
  replicas: Replica[]
  redis: RedisServer
  emu: RunningEmulator
  /** A client straight to the emulator. */
  client: OryClient
  /** How many whoami calls reached the emulator, from every replica. */
  whoamiCalls: () => number
  /** A new user signed in through a browser flow: the jar holds the session cookie. */
  signIn: (email: string) => Promise<CookieJar>
}

export async function withReplicas (t: Test, count: number, env: Record<string, string> = {}): Promise<Replicas> {
  const redis = await startRedis(t)
  let whoami = 0
  const emu = await startEmulator({
    port: 0,
    uiUrl: PUBLIC_URL,
    passwordHashCost: PASSWORD_HASH_COST,
    onResponse: response => { if (response.route === '/sessions/whoami') whoami++ }
  })
  t.teardown(async () => await emu.close())
  const client = createOryClient({ url: emu.url, retry: false })
  t.teardown(async () => await client.close())
  const replicas: Replica[] = []
  for (let i = 0; i < count; i++) {
    const logs = captureLogs()
    const config = oryConfig(emu.url, { ...NO_LOAD_SHEDDING, SESSION_CACHE_TTL_MS: '3600000', REDIS_URL: redis.url, LOG_LEVEL: 'info', ...env })
    replicas.push({ app: await readyTestApp(t, config, { logStream: logs.stream }), logs })
  }
  await hearing(replicas)
  return {
    replicas,
    redis,
    emu,
    client,
    whoamiCalls: () => whoami,
    signIn: async email => {
      await signUpNative(client, email)
      const jar = new CookieJar()
      await signInBrowser(client, jar, email)
      return jar
    }
  }
}

/** Until every replica hears the others' evictions (its subscription is confirmed after it is ready). */
export async function hearing (replicas: Array<Pick<Replica, 'app'>>): Promise<void> {
  await until('every replica hears the others', () => replicas.every(({ app }) => app.sessionFanout?.subscribed === true), { attempts: 200, intervalMs: 25 })
}

/** GET /api/session on a replica: its status. */
export async function sessionStatus (app: App, cookie: string): Promise<number> {
  return (await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode
}
