import type { Test } from 'tap'
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js'
import { createOryClient, type OryClient } from '../../src/ory/index.js'
import { PASSWORD_HASH_COST, PUBLIC_URL } from './config.js'
import { CookieJar, signInBrowser, signUpNative } from './emulator.js'
import { until } from './oauth2-redis.js'
import { isListening, listeningPort, startServer, type ServerProcess } from './process.js'
import { startRedis, type RedisServer } from './redis.js'

// Replicas as an orchestrator runs them: separate server processes, each started with the environment alone, sharing
// one real redis-server and one Ory (the emulator, in the test's process). Nothing else is shared between them.

export interface ReplicaProcess {
  server: ServerProcess
  port: number
  /** `http://127.0.0.1:<port>` */
  url: string
}

export interface ReplicaProcesses {
  replicas: ReplicaProcess[]
  redis: RedisServer
  emu: RunningEmulator
  client: OryClient
  /** How many whoami calls reached Ory, from every replica. */
  whoamiCalls: () => number
  signIn: (email: string) => Promise<CookieJar>
}

export async function startReplicaProcesses (t: Test, count: number, env: Record<string, string> = {}): Promise<ReplicaProcesses> {
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
  const servers = Array.from({ length: count }, () => {
    const server = startServer({
      ORY_URL: emu.url,
      PUBLIC_URL,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDIS_URL: redis.url,
      SESSION_CACHE_TTL_MS: '3600000',
      ...env
    })
    t.teardown(() => { server.child.kill('SIGKILL') })
    return server
  })
  const replicas = await Promise.all(servers.map(async server => {
    const port = listeningPort(await server.waitForLog(isListening))
    return { server, port, url: `http://127.0.0.1:${port}` }
  }))
  await until('every replica hears the others', async () => (await Promise.all(replicas.map(fanoutSubscribed))).every(Boolean), { attempts: 300, intervalMs: 50 })
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

/** /health/ready's body (or its error) and status. */
export async function readiness (replica: ReplicaProcess): Promise<{ status: number, body: any }> {
  const res = await fetch(`${replica.url}/health/ready`)
  return { status: res.status, body: await res.json() }
}

export async function fanoutSubscribed (replica: ReplicaProcess): Promise<boolean> {
  return (await readiness(replica)).body.redis?.fanout?.subscribed === true
}

/** GET /api/session's status with this cookie. */
export async function sessionStatus (replica: ReplicaProcess, cookie: string): Promise<number> {
  const res = await fetch(`${replica.url}/api/session`, { headers: { cookie } })
  await res.arrayBuffer()
  return res.status
}
