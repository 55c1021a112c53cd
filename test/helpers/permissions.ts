import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import type { App } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { startEmulator, type RunningEmulator, type SeedRelationship } from '../../src/emulator/index.js'
import { forwardTo } from './forward.js'
import { startUpstream, type RecordedRequest } from './upstream.js'
import { buildTestApp } from './app.js'
import { NO_LOAD_SHEDDING, oryConfig, PASSWORD_HASH_COST, PUBLIC_URL } from './config.js'
import { Browser, csrfToken, PASSWORD } from './mirror.js'

export { PUBLIC_URL }

/** Two people in the emulator, with fixed ids so that tests can write tuples about them. */
export const ADA = { id: '0b7b8f3e-8e3a-4c51-9d0e-3f6a2a9c0001', email: 'ada@example.com' }
export const GRACE = { id: '0b7b8f3e-8e3a-4c51-9d0e-3f6a2a9c0002', email: 'grace@example.com' }

/** What the SPA's fetch sends with a state-changing call: same origin, the custom header, JSON. */
export const SPA_HEADERS = { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin', 'x-requested-with': 'XMLHttpRequest' }

export interface PermissionsSetup {
  app: App
  emu: RunningEmulator
  config: Config
  /** The requests the BFF sent to Keto's check endpoints, in order (bodies included). */
  ketoCalls: () => RecordedRequest[]
  /** Makes every Keto call fail at the connection (Keto down), or work again. */
  setKetoDown: (down: boolean) => void
  /** Makes every Keto call get this answer instead of the emulator's (a misbehaving Keto), or the emulator's again. */
  setKetoAnswer: (answer: { status: number, body: string } | undefined) => void
}

export interface PermissionsOptions {
  env?: Record<string, string>
  tuples?: SeedRelationship[]
  /** The emulator wants this project API key for Keto (as Ory Network does); the BFF gets `bffApiKey`. */
  apiKey?: string
  bffApiKey?: string
  /** Adds the test's own routes before the app is ready. */
  routes?: (app: App) => void
}

/**
 * The BFF in front of an emulator of the test's own, seeded with ADA and GRACE and the given tuples. Between them a
 * small proxy on 127.0.0.1:0 passes everything on, and can play a Keto that is down.
 */
export async function permissionsApp (t: Test, options: PermissionsOptions = {}): Promise<PermissionsSetup> {
  let ketoDown = false
  let ketoAnswer: { status: number, body: string } | undefined
  let emulatorUrl = ''
  const proxy = await startUpstream(async (req, res) => {
    if (ketoDown && req.url.startsWith('/relation-tuples')) {
      res.socket?.destroy()
      return
    }
    if (ketoAnswer !== undefined && req.url.startsWith('/relation-tuples')) {
      res.writeHead(ketoAnswer.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(ketoAnswer.body)) })
      res.end(ketoAnswer.body)
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
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    seed: {
      identities: [ADA, GRACE].map(person => ({ id: person.id, traits: { email: person.email, name: { first: 'A', last: 'B' } }, password: PASSWORD })),
      relation_tuples: options.tuples ?? []
    }
  })
  t.teardown(async () => await emu.close())
  emulatorUrl = emu.url

  const config = oryConfig(proxy.url, {
    ...NO_LOAD_SHEDDING,
    ...(options.bffApiKey === undefined ? {} : { ORY_API_KEY: options.bffApiKey }),
    ...options.env
  })
  const app = buildTestApp(t, config)
  options.routes?.(app)
  await app.ready()
  return {
    app,
    emu,
    config,
    ketoCalls: () => proxy.requests.filter(request => request.url.startsWith('/relation-tuples')),
    setKetoDown: down => { ketoDown = down },
    setKetoAnswer: answer => { ketoAnswer = answer }
  }
}

/** A browser signed in as `person` through the BFF's `/.ory` mirror, as the SPA would be. */
export async function signIn (t: Test, app: App, person: { email: string }): Promise<Browser> {
  const browser = new Browser(app)
  const flow = (await browser.json('GET', '/.ory/self-service/login/browser')).json()
  const res = await browser.json('POST', `/.ory/self-service/login?flow=${flow.id}`, {
    method: 'password', identifier: person.email, password: PASSWORD, csrf_token: csrfToken(flow)
  })
  t.equal(res.statusCode, 200, `${person.email} signed in`)
  return browser
}

/** A state-changing JSON call of the SPA (same origin, custom header). */
export async function spaPost (browser: Browser, url: string, body: unknown): Promise<LightMyRequestResponse> {
  return await browser.json('POST', url, body, SPA_HEADERS)
}

/** The subject of every tuple a recorded Keto call asked about: the query's (single check) or each tuple's (batch). */
export function subjectsOf (call: RecordedRequest): string[] {
  const url = new URL(call.url, 'http://keto')
  if (url.pathname === '/relation-tuples/check/openapi') return [url.searchParams.get('subject_id') ?? '']
  const tuples = (JSON.parse(call.body === '' ? '{}' : call.body) as { tuples?: Array<{ subject_id?: string }> }).tuples ?? []
  return tuples.map(tuple => tuple.subject_id ?? '')
}
