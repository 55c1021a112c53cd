import type { Page } from 'playwright-core'
import type { Test } from 'tap'
import { startEmulator, type RunningEmulator, type SeedIdentity } from '../../src/emulator/index.js'
import { METADATA_POLICY } from './admin.js'
import { buildTestApp } from './app.js'
import type { Stack } from './browser.js'
import { NO_LOAD_SHEDDING, oryConfig, PASSWORD_HASH_COST } from './config.js'
import { PASSWORD } from './emulator.js'
import { freePort } from './upstream.js'

// The example SPA's admin page in a real browser: the BFF with the admin API on (ADMIN_POLICY by public metadata)
// in front of an emulator seeded with the test's identities, each with PASSWORD.

export interface AdminStack extends Stack {
  emulator: RunningEmulator
}

export interface SeededPerson {
  id: string
  email: string
  metadata_public?: unknown
}

/** startStack's BFF and emulator, with `people` seeded and ADMIN_API=on, ADMIN_POLICY=metadata_public:roles=admin. */
export async function startAdminStack (t: Test, people: SeededPerson[]): Promise<AdminStack> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const identities: SeedIdentity[] = people.map(person => ({
    id: person.id,
    traits: { email: person.email, name: { first: 'A', last: 'B' } },
    password: PASSWORD,
    metadata_public: person.metadata_public
  }))
  const emulator = await startEmulator({ port: 0, uiUrl: origin, allowedReturnUrls: [origin], passwordHashCost: PASSWORD_HASH_COST, seed: { identities } })
  t.teardown(async () => await emulator.close())
  const app = buildTestApp(t, oryConfig(emulator.url, { PUBLIC_URL: origin, ...NO_LOAD_SHEDDING, ...METADATA_POLICY }))
  await app.listen({ host: '127.0.0.1', port })
  return { origin, app, emulator }
}

/** Signs `person` in through the SPA's login page; resolves once the home page shows who is signed in. */
export async function signInInSpa (page: Page, origin: string, person: { email: string }): Promise<void> {
  await page.goto(`${origin}/#/login`)
  const form = page.locator('form[data-flow="login"]')
  await form.waitFor()
  await form.locator('input[name="identifier"]').fill(person.email)
  await form.locator('input[name="password"]').fill(PASSWORD)
  await form.locator('button[name="method"][value="password"]').click()
  await page.locator('#whoami-email').filter({ hasText: person.email }).waitFor()
}

/** Signs out through the SPA's button; resolves once the home page says so. */
export async function signOutInSpa (page: Page): Promise<void> {
  await page.click('#logout')
  await page.locator('#whoami-status').filter({ hasText: 'You are not signed in.' }).waitFor()
}
