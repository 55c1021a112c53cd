import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer } from 'node:net'

// What the bench's child processes and the runner share: the message protocol over IPC and the canned traffic.

/** Runner → server child. */
export type Command = { type: 'start' } | { type: 'stop' } | { type: 'exit' }

/** Server child → runner. */
export type Report =
  | { type: 'ready', port: number }
  | { type: 'measured', cpuMicros: number }

/**
 * Answers the runner's start/stop: CPU time (user + system, all of the process's threads) over exactly the measured
 * window. `process.cpuUsage()` is the process's own clock: the load generator and the other servers on the same cores
 * do not count. The runner samples the RSS itself, from /proc (bench/proc.ts): sampled in here, it cost the server
 * measured a few µs of CPU per request, more for a slower one.
 */
export function measureOnRequest (): void {
  let cpu: NodeJS.CpuUsage | undefined
  process.on('message', (command: Command) => {
    if (command.type === 'start') {
      cpu = process.cpuUsage()
    } else if (command.type === 'stop') {
      const used = process.cpuUsage(cpu)
      send({ type: 'measured', cpuMicros: used.user + used.system })
    } else if (command.type === 'exit') {
      process.exit(0)
    }
  })
  // The runner went away: so does the child.
  process.on('disconnect', () => process.exit(0))
}

export function send (report: Report): void {
  if (process.send === undefined) throw new Error('run this file through bench/run.ts: it reports over IPC')
  process.send(report)
}

/** A child that cannot start says why and exits 1; the runner then reports that it exited before it was ready. */
export function failed (err: unknown): void {
  console.error(err)
  process.exit(1)
}

export function requiredEnv (name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') throw new Error(`${name} is not set: run this file through bench/run.ts`)
  return value
}

/** Listens on the runner's port, answers its start/stop from then on and says it is ready. */
export async function listenAndReport (app: { listen: (options: { host: string, port: number }) => Promise<unknown> }, port: number): Promise<void> {
  await app.listen({ host: '127.0.0.1', port })
  measureOnRequest()
  send({ type: 'ready', port })
}

/**
 * The BFF as in production (NODE_ENV=production, the server's own timeouts) in front of the runner's upstream, on the
 * runner's port, with `settings` on top.
 */
export async function serveBff (settings: { LOG_LEVEL: string, SESSION_CACHE_TTL_MS: string, REDIS_URL?: string }): Promise<void> {
  // Imported here, not at the top: the runner and the stand-ins import this file too, and have no use for the app.
  const [{ buildApp }, { loadConfig }] = await Promise.all([import('../src/app.js'), import('../src/config.js')])
  const port = Number(requiredEnv('BENCH_PORT'))
  const upstream = requiredEnv('BENCH_UPSTREAM')
  const config = loadConfig({
    NODE_ENV: 'production',
    ORY_URL: upstream,
    // As the mirror's targets were measured: the upstream's origin also listed as a custom domain of the project.
    ORY_CUSTOM_DOMAINS: upstream,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    ...settings
  })
  const app = buildApp(config, { server: { keepAliveTimeout: 72_000 } })
  await listenAndReport(app, port)
}

export interface StandIn {
  /** The answer to GET /schemas (the BFF's readiness probe). */
  schemas: string
  /** The session whoami answers when a session cookie arrives, given the stand-in's origin. */
  session: (origin: string) => string
  /** How long whoami takes to answer; without it, at once. */
  whoamiDelayMs?: number
  /** Called as each whoami call arrives. */
  onWhoami?: () => void
  /** Further routes: true when it answered the request. */
  route?: (req: IncomingMessage, res: ServerResponse, path: string, origin: string) => boolean
}

/**
 * A stand-in for Ory on plain node:http with canned answers, on a free loopback port: whoami (the session, or a 401
 * without a session cookie), GET /schemas, `route`, and a 404 for the rest. Says it is ready to the runner, and exits
 * when told to or when the runner goes away.
 */
export function serveStandIn ({ schemas, session, whoamiDelayMs, onWhoami, route }: StandIn): void {
  const server = createHttpServer()
  let origin = ''
  let sessionAnswer = Buffer.alloc(0)
  const unauthorized = Buffer.from(SESSION_UNAUTHORIZED)
  const schemasAnswer = Buffer.from(schemas)
  const sessionPattern = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE_NAME}=`)

  server.on('request', (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!
    if (req.method === 'GET' && path === '/sessions/whoami') {
      onWhoami?.()
      const authorized = sessionPattern.test(req.headers.cookie ?? '')
      const body = authorized ? sessionAnswer : unauthorized
      const answer = (): void => {
        res.writeHead(authorized ? 200 : 401, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': body.length,
          'cache-control': 'private, no-cache, no-store, must-revalidate',
          vary: 'Origin, Cookie'
        })
        res.end(body)
      }
      if (whoamiDelayMs === undefined) answer()
      else setTimeout(answer, whoamiDelayMs)
      return
    }
    if (route?.(req, res, path, origin) === true) return
    if (req.method === 'GET' && path === '/schemas') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': schemasAnswer.length })
      res.end(schemasAnswer)
      return
    }
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
    res.end('{"error":{"code":404,"status":"Not Found","message":"The requested resource could not be found"}}')
  })

  server.keepAliveTimeout = 72_000
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number }
    origin = `http://127.0.0.1:${port}`
    sessionAnswer = Buffer.from(session(origin))
    send({ type: 'ready', port })
  })
  process.on('message', (command: Command) => {
    if (command.type === 'exit') process.exit(0)
  })
  process.on('disconnect', () => process.exit(0))
}

/** A port that was free a moment ago: the BFF must know its own URL (PUBLIC_URL) before it listens. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

// A browser's request headers, as an SPA's fetch sends them: Ory's cookies next to the app's own.
const SESSION_TOKEN = 'MTcwMDAwMDAwMHxEdi1CQkFFQ180SUFBUkFCRUFBQVJfLUNBQUVHYzNSeWFXNW5EQThBRFhObGMzTnBiMjVmZEc5clpXNEdjM1J5YVc1bkRDSUFJRTlQVkRKTFYxWkNXRmQ2V1V4clRXaFdORUp6UlVSVmRqZFhaMkpIUlROTnxkL3N4Y0RCpZfJ0sTq3cH0'
export const CSRF_COOKIE_NAME = 'csrf_token_806060ca5bf70dff3caa0e5c860002aade9d470a5a4dce73bcfa7ba10778f481'
const CSRF_COOKIE_VALUE = 'mWZHdYy9pI9a2lRK5TgCQ7H8EGbDUQr3+Tqrb+S3mOo='

export const BROWSER_HEADERS = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'accept-language': 'en-GB,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br'
}

export const WHOAMI_HEADERS = {
  ...BROWSER_HEADERS,
  accept: 'application/json',
  cookie: `ory_kratos_session=${SESSION_TOKEN}; ${CSRF_COOKIE_NAME}=${CSRF_COOKIE_VALUE}; _ga=GA1.1.1234567890.1700000000; theme=dark`
}

/** The whoami headers of the n-th signed-in user: a session cookie of its own. */
export function whoamiHeaders (n: number): Record<string, string> {
  return { ...WHOAMI_HEADERS, cookie: WHOAMI_HEADERS.cookie.replace(`${SESSION_COOKIE_NAME}=`, `${SESSION_COOKIE_NAME}=u${n}`) }
}

export const LOGIN_HEADERS = {
  ...BROWSER_HEADERS,
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  cookie: '_ga=GA1.1.1234567890.1700000000; theme=dark'
}

export const SESSION_COOKIE_NAME = 'ory_kratos_session'

/** A session as Ory's whoami answers it (~1.5 KB), `identity.schema_url` on the upstream's own origin. */
export function sessionBody (upstreamOrigin: string): string {
  const at = '2024-11-14T09:21:43.372916Z'
  return JSON.stringify({
    id: '5f4b5f0c-2c4f-4a4d-9d3a-0f5c2c8f1e77',
    active: true,
    expires_at: '2024-11-17T09:21:43.372916Z',
    authenticated_at: at,
    authenticator_assurance_level: 'aal1',
    authentication_methods: [{ method: 'password', aal: 'aal1', completed_at: at }],
    issued_at: at,
    identity: {
      id: '0c8b3e2e-6c9f-4f0a-8d65-2f3f6d2d8a11',
      schema_id: 'preset://email',
      schema_url: `${upstreamOrigin}/schemas/cHJlc2V0Oi8vZW1haWw`,
      state: 'active',
      state_changed_at: at,
      traits: { email: 'ada.lovelace@example.com', name: { first: 'Ada', last: 'Lovelace' } },
      verifiable_addresses: [{
        id: '9a6c1d0e-3b9e-4a55-8c7e-1d7b5e4f2a90',
        value: 'ada.lovelace@example.com',
        verified: true,
        via: 'email',
        status: 'completed',
        verified_at: at,
        created_at: at,
        updated_at: at
      }],
      recovery_addresses: [{ id: '3e1f0b7a-9d4c-4f2e-b6a8-5c0d7e9f1a23', value: 'ada.lovelace@example.com', via: 'email', created_at: at, updated_at: at }],
      metadata_public: null,
      created_at: at,
      updated_at: at,
      organization_id: null
    },
    devices: [{
      id: 'b7d3e5f1-2a4c-4e6b-8d0f-1a3c5e7b9d2f',
      ip_address: '203.0.113.42',
      user_agent: BROWSER_HEADERS['user-agent'],
      location: 'Zurich, CH'
    }],
    tokenized: null
  })
}

export const SESSION_UNAUTHORIZED = JSON.stringify({
  error: { id: 'session_inactive', code: 401, status: 'Unauthorized', reason: 'No valid session credentials found in the request.', message: 'The request could not be authorized' }
})
