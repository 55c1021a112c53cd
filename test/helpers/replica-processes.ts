import type { Test } from 'tap'
import { PUBLIC_URL } from './config.js'
import { until } from './oauth2-redis.js'
import { isListening, listeningPort, startServer, type ServerProcess } from './process.js'
import { startRedis, type RedisServer } from './redis.js'
import { startSharedOry, type SharedOry } from './shared-ory.js'

// Replicas as an orchestrator runs them: separate server processes, each started with the environment alone, sharing
// one real redis-server and one Ory (the emulator, in the test's process). Nothing else is shared between them.

export interface ReplicaProcess {
  server: ServerProcess
  port: number
  /** `http://127.0.0.1:<port>` */
  url: string
}

export interface ReplicaProcesses extends SharedOry {
  replicas: ReplicaProcess[]
  redis: RedisServer
}

export async function startReplicaProcesses (t: Test, count: number, env: Record<string, string> = {}): Promise<ReplicaProcesses> {
  const redis = await startRedis(t)
  const ory = await startSharedOry(t)
  const { emu } = ory
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
  return { ...ory, replicas, redis }
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
