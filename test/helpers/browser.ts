import { accessSync, constants } from 'node:fs'
import { createServer } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import type { AddressInfo } from 'node:net'
import { delimiter, join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js'
import { buildTestApp } from './app.js'
import { NO_LOAD_SHEDDING, NO_UPSTREAM, oryConfig, PASSWORD_HASH_COST } from './config.js'
import { isListening, startServer, type ServerProcess } from './process.js'
import { freePort } from './upstream.js'

// The browser tests drive Debian's own Chromium through playwright-core: no browser is ever downloaded. CI installs
// it with `apt-get install -y chromium`; CHROMIUM_PATH names another binary.
const CHROMIUM_NAMES = ['chromium', 'chromium-browser']

/** The Chromium binary: CHROMIUM_PATH, else the first `chromium` on PATH (what `which chromium` prints). */
export function findChromium (): string | undefined {
  const candidates = process.env.CHROMIUM_PATH !== undefined && process.env.CHROMIUM_PATH !== ''
    ? [process.env.CHROMIUM_PATH]
    : (process.env.PATH ?? '').split(delimiter).filter(Boolean).flatMap(dir => CHROMIUM_NAMES.map(name => join(dir, name)))
  return candidates.find(path => {
    try {
      accessSync(path, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

export const CHROMIUM_MISSING = 'Chromium was not found (CHROMIUM_PATH, or `chromium` on PATH). The browser tests use ' +
  'the system\'s Chromium and never download one: install it with `apt-get update && apt-get install -y chromium`.'

export interface BrowserSession {
  context: BrowserContext
  page: Page
  /**
   * Uncaught exceptions, console errors (CSP violations among them), failed requests, 5xx answers and missing files
   * seen so far.
   */
  problems: string[]
  /** Every URL the page requested. */
  requests: string[]
}

/**
 * A fresh headless Chromium with a profile of its own (removed at the end). Throws, and so fails the test, when no
 * Chromium is installed: a browser test that skips silently proves nothing in CI.
 */
export async function openBrowser (t: Test): Promise<BrowserSession> {
  const executablePath = findChromium()
  if (executablePath === undefined) throw new Error(CHROMIUM_MISSING)
  const userDataDir = await mkdtemp(join(tmpdir(), 'ory-bff-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'
    ],
    timeout: 30_000
  })
  t.teardown(async () => {
    await context.close()
    await rm(userDataDir, { recursive: true, force: true })
  })
  context.setDefaultTimeout(15_000)
  const page = context.pages()[0] ?? await context.newPage()
  const problems: string[] = []
  const requests: string[] = []
  page.on('pageerror', err => problems.push(`page error: ${err.message}`))
  page.on('console', message => {
    // Chrome logs every 4xx fetch as an error; the SPA expects Ory's 400 and 401 answers. Statuses are checked below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of')) {
      problems.push(`console error: ${message.text()}`)
    }
  })
  page.on('response', response => {
    const status = response.status()
    const { pathname } = new URL(response.url())
    // The example SPA asks the admin API whether to show its Admin section: a 404 there means ADMIN_API is off.
    const expected404 = pathname.startsWith('/.ory/') || (pathname === '/api/admin/identities' && response.request().method() === 'GET')
    if (status >= 500 || (status === 404 && !expected404)) {
      problems.push(`answer ${status}: ${response.request().method()} ${response.url()}`)
    }
  })
  page.on('request', request => requests.push(request.url()))
  page.on('requestfailed', request => problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`))
  return { context, page, problems, requests }
}

export interface Stack {
  /** The BFF's origin, where the SPA is loaded from: `http://127.0.0.1:<port>`. */
  origin: string
  app: App
  emulator: RunningEmulator | undefined
}

/**
 * The BFF on 127.0.0.1 serving the example SPA (or what `env.STATIC_DIR` holds), in front of the local Ory emulator
 * (or, with `emulator: false`, of a closed port, for tests that answer /.ory themselves in the browser). Ory's UI URLs
 * are the BFF's own origin, as they are for a real deployment of the SPA.
 */
export async function startStack (t: Test, { emulator: withEmulator = true, env = {} as Record<string, string> } = {}): Promise<Stack> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  let emulator: RunningEmulator | undefined
  if (withEmulator) {
    // E-mails link to the mirror, as with the emulator the server starts (and Ory Network's Ory-Base-URL-Rewrite).
    emulator = await startEmulator({ port: 0, uiUrl: origin, allowedReturnUrls: [origin], courierBaseUrl: `${origin}/.ory`, passwordHashCost: PASSWORD_HASH_COST })
    t.teardown(async () => await emulator!.close())
  }
  const app = buildTestApp(t, oryConfig(emulator?.url ?? NO_UPSTREAM, { PUBLIC_URL: origin, ...env }))
  await app.listen({ host: '127.0.0.1', port })
  return { origin, app, emulator }
}

export interface SeenResponse {
  url: string
  status: number
  /** The response's headers, as one string (Set-Cookie and Location among them). */
  headers: string
  /** The body as text; empty for redirects, whose bodies the browser does not keep. */
  body: string
  /** Whether the body could not be read (the page navigated away first); never so for the page's fetch calls to /api. */
  unread: boolean
}

export interface ResponseLog {
  responses: SeenResponse[]
  /** Resolves once every body announced so far has been read. */
  settled: () => Promise<void>
}

/**
 * Every response the page receives, navigations, redirects and fetch calls alike, with headers and body: what a script
 * in the page (or anything else in the browser) could ever see. The page's fetch calls to `<origin>/api/` go through
 * Playwright's routing, which keeps their bodies even when the page navigates away at once (as after
 * /api/oauth2/logout); everything else is read as it arrives.
 */
export async function recordResponses (page: Page, origin: string): Promise<ResponseLog> {
  const responses: SeenResponse[] = []
  const pending = new Set<Promise<void>>()
  const track = (read: Promise<void>): void => {
    pending.add(read)
    read.finally(() => pending.delete(read)).catch(() => {})
  }
  await page.route(url => url.href.startsWith(`${origin}/api/`), async route => {
    const request = route.request()
    if (request.resourceType() !== 'fetch') return await route.continue()
    const response = await route.fetch({ maxRedirects: 0 })
    const body = await response.body()
    responses.push({ url: request.url(), status: response.status(), headers: JSON.stringify(response.headersArray()), body: body.toString('utf8'), unread: false })
    await route.fulfill({ response, body })
  })
  page.on('response', response => {
    const request = response.request()
    if (request.resourceType() === 'fetch' && request.url().startsWith(`${origin}/api/`)) return
    track((async () => {
      const headers = JSON.stringify(await response.allHeaders())
      let body = ''
      let unread = false
      try {
        body = (await response.body()).toString('utf8')
      } catch {
        unread = response.status() < 300 || response.status() >= 400
      }
      responses.push({ url: response.url(), status: response.status(), headers, body, unread })
    })())
  })
  return {
    responses,
    settled: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending])
    }
  }
}

/** What scripts of the page read in `document.cookie`. */
export async function documentCookie (page: Page): Promise<string> {
  return await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)
}

/** A same-origin fetch from the page, with the CSRF header the SPA sends to /api/*: its status and body. */
export async function pageFetch (page: Page, path: string, method = 'GET'): Promise<{ status: number, body: string }> {
  return await page.evaluate(async ({ path, method }) => {
    const response = await fetch(path, { method, credentials: 'same-origin', headers: { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' } })
    return { status: response.status, body: await response.text() }
  }, { path, method })
}

export interface BearerApi {
  url: string
  /** The Authorization header of every request it received (undefined when none came). */
  authorizations: Array<string | undefined>
  close: () => Promise<void>
}

/**
 * An API behind /api/proxy on 127.0.0.1:0: every request is answered `{ ok: true, authorized }`, where `authorized`
 * says whether a Bearer token arrived. The token itself is never echoed.
 */
export async function startBearerApi (t: Test): Promise<BearerApi> {
  const authorizations: Array<string | undefined> = []
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization
    authorizations.push(authorization)
    const body = JSON.stringify({ ok: true, authorized: typeof authorization === 'string' && /^Bearer \S+$/.test(authorization) })
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const close = async (): Promise<void> => {
    server.closeAllConnections()
    await new Promise<void>(resolve => server.close(() => resolve()))
  }
  t.teardown(close)
  return { url: `http://127.0.0.1:${port}`, authorizations, close }
}

/** The origin of a port of 127.0.0.1 that was free a moment ago: a server's PUBLIC_URL, known before it starts. */
export async function freeOrigin (): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`
}

/**
 * The server as `npm start` runs it (src/server.ts through tsx), listening at `origin` (from freeOrigin), which is its
 * PUBLIC_URL, with `env` on top; killed with the test. Resolves once it listens.
 */
export async function startSpawnedBff (t: Test, origin: string, env: Record<string, string>): Promise<ServerProcess> {
  const server = startServer({ HOST: '127.0.0.1', PORT: new URL(origin).port, PUBLIC_URL: origin, LOG_LEVEL: 'info', ...NO_LOAD_SHEDDING, ...env })
  t.teardown(() => { server.child.kill('SIGKILL') })
  await server.waitForLog(isListening)
  return server
}

/** Signs a new identity up through the example SPA's registration page (Kratos through /.ory); Ory signs it in. */
export async function signUpInSpa (page: Page, origin: string, account: { email: string, password: string, first: string, last: string }): Promise<void> {
  await page.goto(`${origin}/#/registration`)
  const form = page.locator('form[data-flow="registration"]')
  await form.waitFor()
  await form.locator('input[name="traits.email"]').fill(account.email)
  await form.locator('input[name="traits.name.first"]').fill(account.first)
  await form.locator('input[name="traits.name.last"]').fill(account.last)
  await form.locator('input[name="password"]').fill(account.password)
  await form.locator('button[name="method"][value="password"]').click()
  // Ory's continue_with: the verification flow of the new address comes next; the session exists from now on.
  await page.locator('form[data-flow="verification"]').waitFor()
}
