import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { SignJWT } from 'jose'
import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { captureLogs, readyTestApp, type LogCapture } from './app.js'
import { NO_LOAD_SHEDDING, oryConfig, PUBLIC_URL } from './config.js'
import { sessionJson } from './session.js'
import { json, startUpstream, type RecordedRequest, type Upstream } from './upstream.js'

// /api/proxy's tests: the BFF in front of an API of the test's own (a real server on 127.0.0.1:0 that records what
// it got) and of a small stand-in for Ory that knows session cookies and tokenizes sessions with `tokenize_as`.

export { PUBLIC_URL }
/** What the SPA's fetch sends with a state-changing call. */
export const SAME_ORIGIN = { 'x-csrf': '1', origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' }
export const TEMPLATE = 'api_jwt'
/** The HMAC key of the stand-in's JWTs. */
const JWT_KEY = new TextEncoder().encode('a test key for the session tokenizer, 32+ bytes long')

export type ApiHandler = (req: RecordedRequest, res: ServerResponse, socket: Socket) => void | Promise<void>

export interface FakeTokenizingOry {
  url: string
  /** Calls of `GET /sessions/whoami?tokenize_as=…`. */
  tokenizations: () => RecordedRequest[]
  /** A new signed-in user: the Cookie header of their session. */
  signIn: (name: string) => string
  /** Every JWT handed out so far. */
  issued: string[]
  /** The stand-in's record of every request. */
  upstream: Upstream
  close: () => Promise<void>
}

/**
 * Ory's whoami and browser logout, for session cookies `ory_kratos_session=<name>`: a session + `tokenized` JWT
 * (HS256, `exp` an hour away, a new `jti` each time) for a signed-in one, whoami's 401 otherwise.
 */
export async function startTokenizingOry (): Promise<FakeTokenizingOry> {
  const sessions = new Map<string, string>()
  const issued: string[] = []
  let count = 0
  const sessionOf = (cookie: string | undefined): string | undefined => {
    const value = /(?:^|;\s*)ory_kratos_session=([^;]+)/.exec(cookie ?? '')?.[1]
    return value === undefined ? undefined : sessions.get(value)
  }
  const upstream: Upstream = await startUpstream(async (req, res) => {
    const url = new URL(req.url, 'http://ory')
    if (url.pathname.startsWith('/schemas')) {
      json(res, 200, [])
      return
    }
    if (url.pathname === '/sessions/whoami') {
      const id = sessionOf(req.headers.cookie)
      // Kratos's whoami 401 (session/handler.go `whoami`, session/error.go `ErrNoSessionFound`): no error id.
      if (id === undefined) return json(res, 401, { error: { code: 401, status: 'Unauthorized', reason: 'No valid session credentials found in the request.', message: 'The request could not be authorized' } })
      const session = sessionJson(upstream.url, { id, identityId: `identity-${id}` })
      const template = url.searchParams.get('tokenize_as')
      if (template !== null) {
        const jwt = await new SignJWT({ sid: id, tpl: template }).setProtectedHeader({ alg: 'HS256' }).setSubject(`identity-${id}`)
          .setIssuedAt().setExpirationTime('1h').setJti(String(++count)).sign(JWT_KEY)
        issued.push(jwt)
        session.tokenized = jwt
      }
      return json(res, 200, session)
    }
    if (url.pathname === '/self-service/logout/browser') {
      return json(res, 200, { logout_token: `logout-${sessionOf(req.headers.cookie) ?? ''}`, logout_url: `${upstream.url}/self-service/logout?token=x` })
    }
    if (url.pathname === '/self-service/logout') {
      const id = (url.searchParams.get('token') ?? '').replace(/^logout-/, '')
      for (const [value, session] of sessions) if (session === id) sessions.delete(value)
      res.writeHead(204, { 'set-cookie': 'ory_kratos_session=; Path=/; Max-Age=0' })
      res.end()
      return
    }
    json(res, 404, { error: { code: 404, status: 'Not Found', message: 'no such path in the stand-in' } })
  })
  return {
    url: upstream.url,
    upstream,
    issued,
    tokenizations: () => upstream.requests.filter(req => req.url.startsWith('/sessions/whoami?') && req.url.includes('tokenize_as=')),
    signIn: name => {
      const value = `cookie-of-${name}-${sessions.size}`
      sessions.set(value, `5f4b5f0c-2c4f-4a4d-9d3a-${String(sessions.size).padStart(12, '0')}`)
      return `ory_kratos_session=${value}`
    },
    close: upstream.close
  }
}

export interface ProxyHarness {
  app: App
  config: Config
  ory: FakeTokenizingOry
  api: Upstream
  logs: LogCapture
  /** Switches the API's behaviour for the requests to come. */
  handle: (handler: ApiHandler) => void
}

export interface ProxyHarnessOptions {
  /** The route `orders`'s entry in API_ROUTES, over the defaults (all methods, token `session`, TEMPLATE). */
  route?: Record<string, unknown>
  /** Environment on top. */
  env?: Record<string, string>
  /** The API's base path. */
  basePath?: string
}

/** An API answering 200 `{"ok":true}` unless the test switches it, and the BFF with `orders` routed to it. */
export async function withProxy (t: Test, options: ProxyHarnessOptions = {}): Promise<ProxyHarness> {
  const ory = await startTokenizingOry()
  t.teardown(ory.close)
  let current: ApiHandler = (_req, res) => json(res, 200, { ok: true })
  const api = await startUpstream(async (req, res, socket) => await current(req, res, socket))
  t.teardown(api.close)
  const routes = {
    orders: { url: `${api.url}${options.basePath ?? '/v1'}`, methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], token: 'session', tokenize_as: TEMPLATE, ...options.route }
  }
  const config = oryConfig(ory.url, { ...NO_LOAD_SHEDDING, API_ROUTES: JSON.stringify(routes), LOG_LEVEL: 'debug', ...options.env })
  const logs = captureLogs()
  const app = await readyTestApp(t, config, { logStream: logs.stream })
  return { app, config, ory, api, logs, handle: handler => { current = handler } }
}

/** No cookie, session token, JWT or bearer of the test in the log lines. */
export function assertNoSecretsLogged (t: Test, logs: LogCapture, secrets: string[]): void {
  const text = logs.text()
  for (const secret of secrets) {
    if (secret.length > 0) t.notOk(text.includes(secret), 'a secret of the test is not in the logs')
  }
}
