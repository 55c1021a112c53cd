import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js'
import { captureLogs, readyTestApp, type LogCapture } from './app.js'
import { NO_LOAD_SHEDDING, PASSWORD_HASH_COST, PUBLIC_URL, TEST_ENV } from './config.js'

// The OAuth2 routes' tests: the BFF as a confidential client of the emulator's Hydra surface, signed in as a test
// identity without a UI (the emulator's `oauth2TestIdentity`), driven through app.inject the way a browser would:
// /api/oauth2/login → the provider's authorize endpoint → /api/oauth2/callback.

export { PUBLIC_URL }
export const CLIENT_ID = 'ory-bff-test'
export const CLIENT_SECRET = 'a client secret: with/specials&='
export const COOKIE_SECRET = 'cookie-secret-of-the-tests-0123456789abcdefghij'
export const TEST_EMAIL = 'oauth2-user@example.com'
/** The headers of the SPA's fetch calls to /api/oauth2/* and /api/proxy/*: the CSRF defence's custom header. */
export const SPA_FETCH = { 'x-requested-with': 'XMLHttpRequest', 'sec-fetch-site': 'same-origin' }

export interface OAuth2Bff {
  app: App
  config: Config
  emu: RunningEmulator
  logs: LogCapture
}

export interface OAuth2BffOptions {
  /** Environment on top of the OAuth2 defaults (TOKEN_STORE, REDIS_URL, API_ROUTES …). */
  env?: Record<string, string>
  emulator?: EmulatorOptions
  /** An emulator already running (another BFF's, say): used instead of starting one; `emulator` is then ignored. */
  emu?: RunningEmulator
  /** The BFF's clock in milliseconds (refresh tests). */
  now?: () => number
}

/** The emulator with a test identity and the BFF's client, and the BFF in front of it; both closed with the test. */
export async function startOAuth2Bff (t: Test, options: OAuth2BffOptions = {}): Promise<OAuth2Bff> {
  const emu = options.emu ?? await startOAuth2Emulator(t, options.emulator)
  const config = loadConfig({
    ...TEST_ENV,
    ...NO_LOAD_SHEDDING,
    ORY_URL: emu.url,
    PUBLIC_URL,
    OAUTH2_CLIENT_ID: CLIENT_ID,
    OAUTH2_CLIENT_SECRET: CLIENT_SECRET,
    OAUTH2_SCOPES: 'openid offline_access email profile',
    COOKIE_SECRET,
    LOG_LEVEL: 'info',
    ...options.env
  })
  const logs = captureLogs()
  const app = await readyTestApp(t, config, { logStream: logs.stream, oauth2Now: options.now })
  return { app, config, emu, logs }
}

/** The emulator with the test identity and the BFF's client, closed with the test; `options` on top. */
export async function startOAuth2Emulator (t: Test, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({
    port: 0,
    uiUrl: PUBLIC_URL,
    passwordHashCost: PASSWORD_HASH_COST,
    seed: { identities: [{ traits: { email: TEST_EMAIL, name: { first: 'Ada', last: 'Lovelace' } } }] },
    oauth2TestIdentity: TEST_EMAIL,
    oauth2Clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${PUBLIC_URL}/api/oauth2/callback`],
      post_logout_redirect_uris: [`${PUBLIC_URL}/`],
      backchannel_logout_uri: `${PUBLIC_URL}/api/oauth2/backchannel-logout`,
      scope: 'openid offline_access email profile'
    }],
    ...options
  })
  t.teardown(async () => await emu.close())
  return emu
}

/** `name=value` pairs of Set-Cookie lines, without those that clear a cookie. */
export function cookiesOf (response: LightMyRequestResponse): Record<string, string> {
  const lines = response.headers['set-cookie']
  const out: Record<string, string> = {}
  for (const line of lines === undefined ? [] : Array.isArray(lines) ? lines : [lines]) {
    const [pair] = line.split(';', 1)
    const index = pair!.indexOf('=')
    const name = pair!.slice(0, index)
    if (/;\s*max-age=0/i.test(line)) continue
    out[name] = pair!.slice(index + 1)
  }
  return out
}

/** The names of the cookies a response clears (Max-Age=0). */
export function clearedCookies (response: LightMyRequestResponse): string[] {
  const lines = response.headers['set-cookie']
  return (lines === undefined ? [] : Array.isArray(lines) ? lines : [lines])
    .filter(line => /;\s*max-age=0/i.test(line))
    .map(line => line.slice(0, line.indexOf('=')))
}

export function cookieHeader (cookies: Record<string, string>): string {
  return Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ')
}

export interface StartedLogin {
  response: LightMyRequestResponse
  /** The provider's authorization URL. */
  location: URL
  /** The transaction cookie, name → value. */
  transaction: Record<string, string>
}

export async function startLogin (bff: OAuth2Bff, query = ''): Promise<StartedLogin> {
  const response = await bff.app.inject({ method: 'GET', url: `/api/oauth2/login${query}` })
  if (response.statusCode !== 302) throw new Error(`login answered ${response.statusCode}: ${response.body}`)
  return { response, location: new URL(response.headers.location as string), transaction: cookiesOf(response) }
}

/** The provider's redirect back to the callback, as the browser would follow it (path and query). */
export async function authorizeAtEmulator (location: URL, cookie = ''): Promise<string> {
  const response = await fetch(location, { redirect: 'manual', headers: cookie === '' ? {} : { cookie } })
  const target = response.headers.get('location')
  if (target === null) throw new Error(`the provider answered ${response.status} without a redirect`)
  const url = new URL(target)
  return `${url.pathname}${url.search}`
}

export interface SignedIn {
  /** The session's cookies, name → value. */
  cookies: Record<string, string>
  /** As a Cookie header. */
  cookie: string
  callback: LightMyRequestResponse
}

/** A whole login: the session cookies the callback set. */
export async function signIn (bff: OAuth2Bff, query = ''): Promise<SignedIn> {
  const login = await startLogin(bff, query)
  const callbackPath = await authorizeAtEmulator(login.location)
  const callback = await bff.app.inject({ method: 'GET', url: callbackPath, headers: { cookie: cookieHeader(login.transaction) } })
  if (callback.statusCode !== 302) throw new Error(`callback answered ${callback.statusCode}: ${callback.body}`)
  const cookies = cookiesOf(callback)
  return { cookies, cookie: cookieHeader(cookies), callback }
}

/** A clock only the test moves, in epoch ms; it starts at the real time. */
export interface TestClock {
  now: () => number
  advance: (seconds: number) => void
}

export function testClock (): TestClock {
  let now = Date.now()
  return { now: () => now, advance: seconds => { now += seconds * 1000 } }
}

/**
 * A browser's cookies for the BFF: what a response sets is kept, what it clears (Max-Age=0) is dropped. `apply`
 * returns the jar for chaining.
 */
export class BffCookies {
  readonly cookies: Record<string, string>

  constructor (cookies: Record<string, string> = {}) {
    this.cookies = { ...cookies }
  }

  apply (response: LightMyRequestResponse): this {
    for (const name of clearedCookies(response)) delete this.cookies[name]
    Object.assign(this.cookies, cookiesOf(response))
    return this
  }

  get header (): string {
    return cookieHeader(this.cookies)
  }

  names (): string[] {
    return Object.keys(this.cookies).sort()
  }
}

/** Every token the emulator issued, the client secret and the cookie secrets: none may ever be in the BFF's logs. */
export function assertNoSecretsLogged (t: Test, bff: OAuth2Bff, extra: readonly string[] = []): void {
  const tokens = [...bff.emu.ctx.oauth2.accessTokens.keys(), ...bff.emu.ctx.oauth2.refreshTokens.keys(), ...bff.emu.ctx.oauth2.codes.keys()]
  const logs = bff.logs.text()
  const leaked = [...tokens, ...extra, CLIENT_SECRET, ...bff.config.cookieSecrets].filter(secret => secret !== '' && logs.includes(secret))
  t.same(leaked.map(secret => `${secret.slice(0, 8)}…`), [], 'no token, code or secret in the logs')
}

/** An answer in Ory's error shape with this status (and id, when given). Returns the error object. */
export function assertOryError (t: Test, response: LightMyRequestResponse, status: number, id?: string): Record<string, unknown> {
  t.equal(response.statusCode, status, `status ${status}`)
  t.match(String(response.headers['content-type']), /^application\/json/)
  const body = response.json()
  const error = body?.error ?? {}
  t.equal(error.code, status, 'error.code is the status')
  t.type(error.message, 'string', 'error.message')
  t.type(error.request, 'string', 'error.request')
  if (id !== undefined) t.equal(error.id, id, `error.id ${id}`)
  return error
}
