import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import type { App } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js'
import { createOryClient, type OryClient } from '../../src/ory/index.js'
import type { SessionStore } from '../../src/session/cache.js'
import { CookieJar, signInBrowser, signUpNative } from './emulator.js'
import { startUpstream, type RecordedRequest, type Upstream } from './upstream.js'
import type { ServerResponse } from 'node:http'
import { readyTestApp } from './app.js'
import { NO_LOAD_SHEDDING, oryConfig, PASSWORD_HASH_COST, PUBLIC_URL } from './config.js'

export { PUBLIC_URL }
/** What the SPA's fetch sends with a state-changing call (the CSRF defence of /api/* lets it through). */
export const SAME_ORIGIN = { 'x-csrf': '1', origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' }

/** A clock that only the test moves; it starts at the real time, so Ory's expires_at compare as in production. */
export interface ManualClock {
  now: () => number
  advance: (ms: number) => void
}

export function manualClock (): ManualClock {
  let now = Date.now()
  return { now: () => now, advance: ms => { now += ms } }
}

export interface SessionHarness {
  app: App
  config: Config
  clock: ManualClock
}

export interface EmulatorHarness extends SessionHarness {
  emu: RunningEmulator
  /** A client straight to the emulator (to set up users and look behind the BFF). */
  client: OryClient
  /** How many whoami calls reached the emulator. */
  whoamiCalls: () => number
  /** A new user signed in through a browser flow: the jar holds the session cookie. */
  signIn: (email: string) => Promise<CookieJar>
  /** A new user with a native session token. */
  signUpToken: (email: string) => Promise<{ token: string, identityId: string }>
}

export async function withEmulator (t: Test, env: Record<string, string> = {}, store?: SessionStore): Promise<EmulatorHarness> {
  const clock = manualClock()
  let whoami = 0
  const emu = await startEmulator({
    port: 0,
    uiUrl: PUBLIC_URL,
    passwordHashCost: PASSWORD_HASH_COST,
    now: clock.now,
    onResponse: response => { if (response.route === '/sessions/whoami') whoami++ }
  })
  t.teardown(async () => await emu.close())
  const client = createOryClient({ url: emu.url, retry: false })
  t.teardown(async () => await client.close())
  const cfg = oryConfig(emu.url, { ...NO_LOAD_SHEDDING, ...env })
  const app = await readyTestApp(t, cfg, { session: { now: clock.now, ...(store === undefined ? {} : { store }) } })
  const signUpToken = async (email: string): Promise<{ token: string, identityId: string }> => await signUpNative(client, email)
  return {
    app,
    config: cfg,
    clock,
    emu,
    client,
    whoamiCalls: () => whoami,
    signUpToken,
    signIn: async email => {
      await signUpToken(email)
      const jar = new CookieJar()
      await signInBrowser(client, jar, email)
      return jar
    }
  }
}

export interface UpstreamHarness extends SessionHarness {
  upstream: Upstream
  /** The whoami calls that reached the stand-in. */
  whoami: () => RecordedRequest[]
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>

/** The BFF in front of a stand-in of the test's own (readiness probes answered and left out of the record). */
export async function withUpstream (t: Test, handler: Handler, env: Record<string, string> = {}): Promise<UpstreamHarness> {
  const clock = manualClock()
  const upstream = await startUpstream(async (req, res) => {
    if (req.url.startsWith('/schemas')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('[]')
      return
    }
    await handler(req, res)
  })
  t.teardown(upstream.close)
  const cfg = oryConfig(upstream.url, { ...NO_LOAD_SHEDDING, ...env })
  const app = await readyTestApp(t, cfg, { session: { now: clock.now } })
  return { app, config: cfg, clock, upstream, whoami: () => upstream.requests.filter(req => req.url.startsWith('/sessions/whoami')) }
}

/** A session as Ory's whoami answers it, for stand-ins. */
export function sessionJson (origin: string, options: { id?: string, identityId?: string, email?: string, expiresAt?: string, aal?: string } = {}): Record<string, unknown> {
  const at = new Date().toISOString()
  return {
    id: options.id ?? '5f4b5f0c-2c4f-4a4d-9d3a-0f5c2c8f1e77',
    active: true,
    expires_at: options.expiresAt ?? new Date(Date.now() + 24 * 3600_000).toISOString(),
    authenticated_at: at,
    issued_at: at,
    authenticator_assurance_level: options.aal ?? 'aal1',
    authentication_methods: [{ method: 'password', aal: 'aal1', completed_at: at }],
    identity: {
      id: options.identityId ?? '0c8b3e2e-6c9f-4f0a-8d65-2f3f6d2d8a11',
      schema_id: 'default',
      schema_url: `${origin}/schemas/ZGVmYXVsdA`,
      state: 'active',
      traits: { email: options.email ?? 'ada@example.com' },
      verifiable_addresses: [{ id: '9a6c1d0e-3b9e-4a55-8c7e-1d7b5e4f2a90', value: options.email ?? 'ada@example.com', verified: false, via: 'email', status: 'sent' }],
      recovery_addresses: [{ id: '3e1f0b7a-9d4c-4f2e-b6a8-5c0d7e9f1a23', value: options.email ?? 'ada@example.com', via: 'email' }],
      metadata_public: null,
      metadata_admin: { secret: 'never to the SPA' }
    },
    devices: []
  }
}

export const SESSION_INACTIVE = {
  error: { id: 'session_inactive', code: 401, status: 'Unauthorized', reason: 'No valid session credentials found in the request.', message: 'The request could not be authorized' }
}

export function body (res: LightMyRequestResponse): any {
  return JSON.parse(res.body)
}
