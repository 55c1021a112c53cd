import { createHash } from 'node:crypto'
import { copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { build } from 'esbuild'
import type { Page } from 'playwright-core'
import type { Test } from 'tap'
import { courier, createOryClient, type OryClient } from '../../src/ory/index.js'
import { openBrowser, startStack, type BrowserSession, type Stack } from './browser.js'
import { REPO } from './config.js'

// The Ory Elements suite (test/e2e/browser/elements-*.test.ts): Ory's own React components, in a small SPA of ours
// (test/fixtures/elements-app), served by the BFF from STATIC_DIR and talking to the emulator through /.ory, in
// Debian's Chromium. The SPA is bundled with esbuild once per set of inputs and kept in the temporary directory, so
// that the suite's files (and later runs on the same machine) share one build.

const FIXTURE = join(REPO, 'test/fixtures/elements-app')
const PACKAGES = ['esbuild', '@ory/elements-react', '@ory/client-fetch', 'react', 'react-dom']

/** What the bundle is made of: the SPA's sources, the versions of what goes into it, and how it is built. */
async function inputsHash (): Promise<string> {
  const hash = createHash('sha256')
  for (const file of ['main.tsx', 'index.html']) hash.update(await readFile(join(FIXTURE, file)))
  for (const name of PACKAGES) hash.update(await readFile(join(REPO, 'node_modules', name, 'package.json')))
  hash.update(await readFile(new URL(import.meta.url)))
  return hash.digest('hex').slice(0, 16)
}

async function exists (path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false)
}

let bundle: Promise<string> | undefined

/**
 * A directory for STATIC_DIR holding the SPA: `index.html`, `main.js` and `main.css` (Elements' styles), with no
 * inline script and nothing from another origin. Built into a directory of its own, then renamed into place, so that
 * test processes running at once never see half a bundle.
 */
export async function elementsBundle (): Promise<string> {
  bundle ??= (async () => {
    const dir = join(tmpdir(), `ory-bff-elements-${await inputsHash()}`)
    if (await exists(join(dir, 'index.html'))) return dir
    const work = `${dir}.${process.pid}.tmp`
    await rm(work, { recursive: true, force: true })
    await mkdir(work, { recursive: true })
    await build({
      absWorkingDir: REPO,
      entryPoints: { main: join(FIXTURE, 'main.tsx') },
      outdir: work,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      jsx: 'automatic',
      minify: true,
      // React's production build; Elements reads process.env only behind `typeof process !== 'undefined'`.
      define: { 'process.env.NODE_ENV': '"production"' },
      // Elements' modules start with "use client", which esbuild warns it drops from a bundle.
      logLevel: 'error'
    })
    await copyFile(join(FIXTURE, 'index.html'), join(work, 'index.html'))
    try {
      await rename(work, dir)
    } catch (err) {
      // Another process renamed its own build into place first: use that one.
      await rm(work, { recursive: true, force: true })
      if (!await exists(join(dir, 'index.html'))) throw err
    }
    return dir
  })()
  return await bundle
}

export interface ElementsStack extends Stack, BrowserSession {
  /** Every `securitypolicyviolation` event of every document the page loaded, as `directive blocked-uri`. */
  violations: string[]
  /**
   * Runs a step as a subtest, then checks the page (see checkPage); a failed step leaves a screenshot behind. `todo`
   * marks a step that fails for a known reason outside the suite (tap reports it, the run still passes).
   */
  step: (name: string, fn: (t: Test) => Promise<void>, options?: { todo?: string }) => Promise<void>
  /** A client of the emulator itself (admin APIs, native flows), for setting up and checking a test. */
  client: OryClient
  /** The latest six-digit code the emulator's courier sent to `recipient`, read through the courier admin API. */
  lastCode: (recipient: string) => Promise<string>
}

/** A placeholder of Ory's message templates left unresolved, such as `{privileged_session_expires_at_unix_until_minutes}`. */
export const PLACEHOLDER = /\{[a-z_]+\}/

function slug (value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)
}

/** `${ARTIFACTS_DIR ?? 'artifacts'}/elements`, relative to the repository unless absolute. */
export function artifactsDir (): string {
  const base = process.env.ARTIFACTS_DIR ?? 'artifacts'
  return join(isAbsolute(base) ? base : join(REPO, base), 'elements')
}

async function screenshot (page: Page, name: string): Promise<string | undefined> {
  const dir = artifactsDir()
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${name}.png`)
  return await page.screenshot({ path, fullPage: true }).then(() => path, () => undefined)
}

/** The text the user sees, `document.body.innerText`. */
export async function visibleText (page: Page): Promise<string> {
  return await page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText)
}

/**
 * The BFF with the Elements SPA as its STATIC_DIR in front of the emulator, and a fresh Chromium whose every document
 * reports its CSP violations to the test. The listener is added with `page.addInitScript`, which Chromium runs through
 * the DevTools protocol (Page.addScriptToEvaluateOnNewDocument) before the page's own scripts and outside the page's
 * Content-Security-Policy, and reports through a binding (`page.exposeFunction`), so violations of documents the page
 * has already left are kept.
 */
export async function startElementsStack (t: Test, testName: string): Promise<ElementsStack> {
  const staticDir = await elementsBundle()
  const stack = await startStack(t, { env: { STATIC_DIR: staticDir } })
  const session = await openBrowser(t)
  const violations: string[] = []
  await session.page.exposeFunction('reportCspViolation', (violation: string) => { violations.push(violation) })
  await session.page.addInitScript(() => {
    const scope = globalThis as unknown as {
      document: { addEventListener: (type: string, fn: (event: { effectiveDirective: string, blockedURI: string }) => void) => void }
      reportCspViolation: (violation: string) => Promise<void>
      cspListening?: boolean
    }
    scope.cspListening = true
    scope.document.addEventListener('securitypolicyviolation', event => {
      scope.reportCspViolation(`${event.effectiveDirective} ${event.blockedURI}`).catch(() => {})
    })
  })
  const client = createOryClient({ url: stack.emulator!.url, retry: false })
  t.teardown(async () => await client.close())

  const step = async (name: string, fn: (t: Test) => Promise<void>, options: { todo?: string } = {}): Promise<void> => {
    await t.test(name, options, async st => {
      let threw = false
      try {
        await fn(st)
        await checkPage(st, session.page, violations)
      } catch (err) {
        threw = true
        throw err
      } finally {
        if (threw || !st.passing()) {
          const path = await screenshot(session.page, `${slug(testName)}-${slug(name)}`)
          if (path !== undefined) st.comment(`screenshot: ${path}`)
        }
      }
    })
  }
  const lastCode = async (recipient: string): Promise<string> => {
    const messages = await courier.listCourierMessages(client, { recipient })
    const code = /\b(\d{6})\b/.exec(messages.body[0]?.body ?? '')?.[1]
    if (code === undefined) throw new Error(`no code was sent to ${recipient}`)
    return code
  }
  return { ...stack, ...session, violations, step, lastCode, client }
}

/**
 * What every step ends with: the listener was there (so zero means zero), no CSP violation so far, and no raw
 * `{placeholder}` in the text on screen.
 */
export async function checkPage (t: Test, page: Page, violations: string[]): Promise<void> {
  t.equal(await page.evaluate(() => (globalThis as unknown as { cspListening?: boolean }).cspListening), true, 'the violation listener runs in the page')
  t.same(violations, [], 'no Content-Security-Policy violation')
  const text = await visibleText(page)
  t.notMatch(text, PLACEHOLDER, 'no unresolved {placeholder} on screen')
}
