import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import type { App } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { startEmulator, type EmulatorOptions, type RunningEmulator, type SeedRelationship } from '../../src/emulator/index.js'
import { buildTestApp, captureLogs, type LogCapture } from './app.js'
import { NO_LOAD_SHEDDING, oryConfig, PASSWORD_HASH_COST, PUBLIC_URL } from './config.js'
import { PASSWORD, type Browser } from './mirror.js'
import { SPA_HEADERS } from './permissions.js'
import { startUpstream, type RecordedRequest } from './upstream.js'
import { forwardTo } from './forward.js'

export { signIn } from './permissions.js'

// The admin API against the emulator, through a recording proxy that proves what reached Ory (and what did not).
// ADA is an administrator by her public metadata (roles: ["support", "admin"]) and, for Keto policies, by a tuple
// Admin:bff#member; GRACE is neither.

export const ADA = { id: '0b7b8f3e-8e3a-4c51-9d0e-3f6a2a9c0a01', email: 'ada@example.com', metadata_public: { roles: ['support', 'admin'] } }
export const GRACE = { id: '0b7b8f3e-8e3a-4c51-9d0e-3f6a2a9c0a02', email: 'grace@example.com', metadata_public: { roles: 'support' } }
export const ADMIN_TUPLE: SeedRelationship = { namespace: 'Admin', object: 'bff', relation: 'member', subject_id: ADA.id }

export const METADATA_POLICY = { ADMIN_API: 'on', ADMIN_POLICY: 'metadata_public:roles=admin' }
export const KETO_POLICY = { ADMIN_API: 'on', ADMIN_POLICY: 'keto:Admin:bff#member' }

export interface AdminSetup {
  app: App
  emu: RunningEmulator
  config: Config
  logs: LogCapture
  /** Every request that reached Ory (the emulator), in order. */
  oryRequests: () => RecordedRequest[]
  /** The BFF's audit lines. */
  auditLines: () => Array<Record<string, unknown>>
  /** Makes every Keto call fail at the connection (Keto down), or work again. */
  setKetoDown: (down: boolean) => void
}

export interface AdminOptions {
  env?: Record<string, string>
  tuples?: SeedRelationship[]
  emulator?: Partial<EmulatorOptions>
  /** The admin policy cache's clock. */
  now?: () => number
  /** Also the console API: the emulator serves it (one seeded project and workspace) under this workspace API key. */
  workspaceApiKey?: string
}

export const CONSOLE_SEED = {
  workspace: { id: '5e0c3a1e-0000-4000-8000-00000000aa01', name: 'Back office' },
  project: { id: '5e0c3a1e-0000-4000-8000-00000000bb01', name: 'Shop', slug: 'shop-1', environment: 'prod' as const }
}

export async function adminApp (t: Test, options: AdminOptions = {}): Promise<AdminSetup> {
  let emulatorUrl = ''
  let ketoDown = false
  const proxy = await startUpstream(async (req, res) => {
    if (ketoDown && req.url.startsWith('/relation-tuples')) {
      res.socket?.destroy()
      return
    }
    await forwardTo(emulatorUrl, req, res)
  })
  t.teardown(proxy.close)
  const emu = await startEmulator({
    port: 0,
    baseUrl: proxy.url,
    uiUrl: PUBLIC_URL,
    passwordHashCost: PASSWORD_HASH_COST,
    ...(options.workspaceApiKey === undefined ? {} : { workspaceApiKey: options.workspaceApiKey, console: CONSOLE_SEED }),
    ...options.emulator,
    seed: {
      identities: [ADA, GRACE].map(person => ({
        id: person.id,
        traits: { email: person.email, name: { first: 'A', last: 'B' } },
        password: PASSWORD,
        metadata_public: person.metadata_public
      })),
      relation_tuples: options.tuples ?? [ADMIN_TUPLE]
    }
  })
  t.teardown(async () => await emu.close())
  emulatorUrl = emu.url
  const config = oryConfig(proxy.url, {
    ...NO_LOAD_SHEDDING,
    LOG_LEVEL: 'debug',
    ...METADATA_POLICY,
    ...(options.workspaceApiKey === undefined ? {} : { ORY_CONSOLE_URL: proxy.url, ORY_WORKSPACE_API_KEY: options.workspaceApiKey }),
    ...options.env
  })
  const logs = captureLogs()
  const app = buildTestApp(t, config, { logStream: logs.stream, adminNow: options.now })
  await app.ready()
  return {
    app,
    emu,
    config,
    logs,
    oryRequests: () => [...proxy.requests],
    auditLines: () => logs.lines().filter(line => line.name === 'audit'),
    setKetoDown: down => { ketoDown = down }
  }
}

/** An admin call as the back-office SPA's fetch makes it: same origin, the custom header, JSON. */
export async function adminCall (
  browser: Browser,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<LightMyRequestResponse> {
  return await browser.json(method, url, body, { ...SPA_HEADERS, ...headers })
}

const ADMIN_PATHS = /^\/(admin\/|relation-tuples|namespaces|opl\/|version|projects|workspaces)/

/** The requests to Ory's admin, Keto and console APIs (not the logins and session checks around them). */
export function adminRequestsOf (requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter(request => ADMIN_PATHS.test(request.url))
}
