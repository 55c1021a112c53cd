import type { EventEmitter } from 'node:events'
import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import { startEmulator, type EmulatorSeed, type RunningEmulator } from '../../src/emulator/index.js'
import { captureLogs, readyTestApp, type LogCapture } from './app.js'
import { oryConfig, PASSWORD_HASH_COST, PUBLIC_URL } from './config.js'
import { Browser, csrfToken, PASSWORD } from './mirror.js'

export { PASSWORD }

export const ADA_EMAIL = 'ada@example.com'
export const WRONG_PASSWORD = 'not the password at all'

/** An emulator seed with one identity per email, each with PASSWORD. */
export function seedOf (...emails: string[]): EmulatorSeed {
  return { identities: emails.map(email => ({ traits: { email, name: { first: 'A', last: 'B' } }, password: PASSWORD })) }
}

export interface LimitedMirror {
  app: App
  emu: RunningEmulator
  /** The app's log lines (LOG_LEVEL=info). */
  logs: LogCapture
}

/** The BFF in front of an emulator of the test's own, seeded with `seed`, its log captured. */
export async function limitedMirror (t: Test, env: Record<string, string>, seed: EmulatorSeed = seedOf(ADA_EMAIL)): Promise<LimitedMirror> {
  const emu = await startEmulator({ port: 0, uiUrl: PUBLIC_URL, passwordHashCost: PASSWORD_HASH_COST, seed })
  t.teardown(async () => await emu.close())
  const logs = captureLogs()
  const app = await readyTestApp(t, oryConfig(emu.url, { LOG_LEVEL: 'info', ...env }), { logStream: logs.stream })
  return { app, emu, logs }
}

/**
 * The next `name` event of the Redis client: unlike events.once, not rejected by the 'error' events of its failed
 * reconnection attempts meanwhile.
 */
export async function redisEvent (redis: EventEmitter, name: 'ready' | 'close'): Promise<void> {
  await new Promise<void>(resolve => { redis.once(name, () => resolve()) })
}

/** The log lines whose message is `message`. */
export function logged (logs: LogCapture, message: RegExp): Array<Record<string, unknown>> {
  return logs.lines().filter(line => message.test(String(line.msg)))
}

export interface LoginForm {
  browser: Browser
  /** One password submit of the flow, as an SPA's fetch sends it, from 127.0.0.1 unless `remoteAddress` says otherwise. */
  submit: (identifier: string, password: string, options?: { headers?: Record<string, string>, remoteAddress?: string }) => Promise<LightMyRequestResponse>
}

/** A browser login flow through the mirror; its submits may be repeated, as a user retyping a password does. */
export async function loginForm (app: App): Promise<LoginForm> {
  const browser = new Browser(app)
  const flow = (await browser.json('GET', '/.ory/self-service/login/browser')).json()
  return {
    browser,
    submit: async (identifier, password, { headers = {}, remoteAddress = '127.0.0.1' } = {}) => {
      const res = await app.inject({
        method: 'POST',
        url: `/.ory/self-service/login?flow=${String(flow.id)}`,
        remoteAddress,
        headers: { accept: 'application/json', 'content-type': 'application/json', cookie: browser.jar.header(), ...headers },
        payload: JSON.stringify({ method: 'password', identifier, password, csrf_token: csrfToken(flow) })
      })
      browser.jar.store(res.headers['set-cookie'])
      return res
    }
  }
}

/** A 429 in Ory's error shape with Retry-After within the window. */
export function assertLimited (t: Test, res: LightMyRequestResponse, limit: string, windowSeconds = 60): void {
  t.equal(res.statusCode, 429, `limited by ${limit}`)
  t.match(res.json(), { error: { code: 429, status: 'Too Many Requests', id: 'rate_limit_exceeded', details: { limit }, request: res.headers['x-request-id'] } })
  const after = Number(res.headers['retry-after'])
  t.ok(Number.isInteger(after) && after >= 1 && after <= windowSeconds, `Retry-After ${String(res.headers['retry-after'])} is whole seconds within the window`)
}

/** The value of a series of the app's /metrics, or undefined when it has none. */
export async function metric (app: App, series: string): Promise<number | undefined> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  const line = text.split('\n').find(line => line.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}
