import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js'
import { buildTestApp } from './app.js'
import { NO_UPSTREAM, oryConfig, PASSWORD_HASH_COST } from './config.js'
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
    if (status >= 500 || (status === 404 && !new URL(response.url()).pathname.startsWith('/.ory/'))) {
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
 * The BFF on 127.0.0.1 serving the example SPA, in front of the local Ory emulator (or, with `emulator: false`, of
 * a closed port, for tests that answer /.ory themselves in the browser). Ory's UI URLs are the BFF's own origin, as
 * they are for a real deployment of the SPA.
 */
export async function startStack (t: Test, { emulator: withEmulator = true } = {}): Promise<Stack> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  let emulator: RunningEmulator | undefined
  if (withEmulator) {
    emulator = await startEmulator({ port: 0, uiUrl: origin, allowedReturnUrls: [origin], passwordHashCost: PASSWORD_HASH_COST })
    t.teardown(async () => await emulator!.close())
  }
  const app = buildTestApp(t, oryConfig(emulator?.url ?? NO_UPSTREAM, { PUBLIC_URL: origin }))
  await app.listen({ host: '127.0.0.1', port })
  return { origin, app, emulator }
}
