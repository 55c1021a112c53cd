// A real redis-server per test, on a free port of 127.0.0.1, with nothing written to disk. Tests never mock Redis:
// the store's behaviour when Redis is slow, down or back again is the behaviour of the real client against the real
// server. Redis is required (.ci/run installs it); nothing is skipped without it.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { RedisClient, type RedisLog } from '../../src/redis/client.js'
import { freePort } from './ports.js'
import { RedisTokenStore } from '../../src/oauth2/stores/redis-store.js'
import type { OAuth2Session } from '../../src/oauth2/types.js'

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server'

interface Teardown {
  teardown: (fn: () => unknown) => void
}

export interface RedisServer {
  url: string
  port: number
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop: () => Promise<void>
  /** Kills the server (SIGKILL), as a crash or a lost network would, and waits for it to exit. */
  kill: () => Promise<void>
  /** Starts it again on the same port (empty: nothing was saved) once it was stopped or killed. */
  restart: () => Promise<void>
  /** Suspends the server (SIGSTOP): connections stay open, commands get no answer, as with a hung server. */
  freeze: () => void
  /** Resumes a frozen server (SIGCONT). */
  thaw: () => void
}

const READY = 'Ready to accept connections'
const START_ATTEMPTS = 5

/** Spawns redis-server on `port`; resolves once it accepts connections, rejects if it exits before. */
async function spawnRedis (port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8')
      if (output.includes(READY)) {
        cleanup()
        resolve()
      }
    }
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup()
      reject(Object.assign(new Error(`redis-server exited (code ${String(code)}, signal ${String(signal)}) before it was ready: ${output.slice(-500)}`), { output }))
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(err)
    }
    const cleanup = (): void => {
      child.stdout?.off('data', onData)
      child.off('exit', onExit)
      child.off('error', onError)
    }
    child.stdout?.on('data', onData)
    child.on('exit', onExit)
    child.on('error', onError)
  })
  // Keep reading so that a full pipe never blocks the server.
  child.stdout?.resume()
  child.stderr?.resume()
  return child
}

async function end (child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill(signal)
  await exited
}

/** A redis-server for this test, stopped in its teardown. */
export async function startRedis (t: Teardown): Promise<RedisServer> {
  let child: ChildProcess | undefined
  let port = 0
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort()
    try {
      child = await spawnRedis(port)
    } catch (err) {
      // Another process took the port between our probe and redis-server's bind: try another one.
      const inUse = String((err as { output?: unknown }).output ?? '').includes('Address already in use')
      if (!inUse || attempt >= START_ATTEMPTS) throw err
    }
  }
  t.teardown(async () => {
    child?.kill('SIGCONT')
    await end(child, 'SIGTERM')
  })
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => await end(child, 'SIGTERM'),
    kill: async () => await end(child, 'SIGKILL'),
    restart: async () => {
      await end(child, 'SIGTERM')
      child = await spawnRedis(port)
    },
    freeze: () => { child?.kill('SIGSTOP') },
    thaw: () => { child?.kill('SIGCONT') }
  }
}

export interface StoreOptions {
  secure?: boolean
  commandTimeoutMs?: number
  lockLeaseMs?: number
  log?: RedisLog
}

/** A connected RedisTokenStore on `server`, with the client it owns, closed in the test's teardown. */
export async function redisStore (t: Teardown, server: RedisServer, options: StoreOptions = {}): Promise<{ store: RedisTokenStore, client: RedisClient }> {
  const log = options.log ?? (() => {})
  const client = new RedisClient({ url: server.url, log, commandTimeoutMs: options.commandTimeoutMs ?? 500, maxReconnectDelayMs: 200 })
  if (!await client.connect()) throw new Error('could not connect to the test redis-server')
  const store = new RedisTokenStore({ client, secure: options.secure ?? true, log, ...(options.lockLeaseMs === undefined ? {} : { lockLeaseMs: options.lockLeaseMs }) })
  t.teardown(async () => await store.close())
  return { store, client }
}

/** Every key of the Redis server and its value as stored (strings, or a set's members). */
export async function dump (client: RedisClient): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  let cursor = '0'
  for (let rounds = 0; rounds < 1000; rounds++) {
    const [next, keys] = await client.redis.scan(cursor, 'COUNT', 1000)
    for (const key of keys) {
      const type = await client.redis.type(key)
      out.set(key, type === 'set' ? (await client.redis.smembers(key)).join(',') : String(await client.redis.get(key)))
    }
    cursor = next
    if (cursor === '0') return out
  }
  throw new Error('SCAN did not finish')
}

let sessions = 0

/** A session with recognisable tokens, expiring `ttl` seconds from now, its id fresh each call. */
export function sampleSession (overrides: Partial<OAuth2Session> = {}, ttl = 3600): OAuth2Session {
  const now = Math.floor(Date.now() / 1000)
  sessions++
  return {
    id: randomBytes(16).toString('base64url'),
    sub: 'user-sub-1',
    sid: `provider-sid-${sessions}`,
    claims: { email: 'someone@example.com' },
    tokens: {
      accessToken: `ACCESS-TOKEN-${sessions}-secret`,
      tokenType: 'bearer',
      accessTokenIssuedAt: now,
      accessTokenExpiresAt: now + 300,
      refreshToken: `REFRESH-TOKEN-${sessions}-secret`,
      idToken: `ID-TOKEN-${sessions}-secret`
    },
    createdAt: now,
    expiresAt: now + ttl,
    ...overrides
  }
}

/** The request cookies a browser sends after these Set-Cookie lines. */
export function cookiesFrom (lines: string[]): Record<string, string> {
  return Object.fromEntries(lines.filter(line => !/Max-Age=0(;|$)/.test(line)).map(line => {
    const pair = line.split(';')[0]!
    return [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
  }))
}
