import t from 'tap'
import { openBrowser, startStack } from '../../helpers/browser.js'

const EMAIL = 'ada@example.com'
const PASSWORD = 'correct horse battery staple 42'

// The browser proof: a real Chromium loads the example SPA from the BFF's origin and lives a user's first minutes
// through /.ory only: sign up, see who it is, sign out, a wrong password, sign in, change the profile, sign out.
t.test('the example SPA signs up, signs in, shows whoami, saves settings and signs out through the BFF', async t => {
  const { origin, emulator } = await startStack(t)
  const { context, page, problems, requests } = await openBrowser(t)

  await t.test('the page loads from the BFF', async t => {
    const response = await page.goto(`${origin}/`)
    t.equal(response?.status(), 200)
    t.match(response?.headers()['content-security-policy'], /script-src 'self'/)
    await page.locator('#whoami-status').filter({ hasText: 'You are not signed in.' }).waitFor()
  })

  await t.test('sign up', async t => {
    await page.click('nav a[data-route="registration"]')
    const form = page.locator('form[data-flow="registration"]')
    await form.waitFor()
    t.match(await form.getAttribute('action'), new RegExp(`^${origin}/\\.ory/self-service/registration\\?flow=`),
      'the flow\'s ui.action was rewritten to the BFF')
    t.equal(await form.locator('input[type="hidden"][name="csrf_token"]').count(), 1, 'the anti-CSRF field is rendered')
    await form.locator('input[name="traits.email"]').fill(EMAIL)
    await form.locator('input[name="traits.name.first"]').fill('Ada')
    await form.locator('input[name="traits.name.last"]').fill('Lovelace')
    await form.locator('input[name="password"]').fill(PASSWORD)
    await form.locator('button[name="method"][value="password"]').click()
    // Ory's continue_with: the verification flow for the new address comes first.
    await page.locator('form[data-flow="verification"]').waitFor()
    t.match(page.url(), /#\/verification\?flow=/)
    t.match(await page.locator('#flash').textContent(), /verification code to ada@example\.com/)
  })

  await t.test('whoami shows the new session; the session cookie is HttpOnly and unseen by JavaScript', async t => {
    await page.click('nav a[data-route=""]')
    await page.locator('#whoami-email').waitFor()
    t.equal(await page.locator('#whoami-email').textContent(), EMAIL)
    t.equal(await page.locator('#whoami-name').textContent(), 'Ada Lovelace')
    const session = (await context.cookies(origin)).find(cookie => cookie.name === 'ory_kratos_session')
    t.ok(session, 'the browser holds the session cookie for the BFF\'s origin')
    t.equal(session?.httpOnly, true)
    t.equal(session?.domain, '127.0.0.1')
    t.notMatch(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie), /ory_kratos_session/, 'document.cookie does not show it')
  })

  await t.test('sign out', async t => {
    await page.click('#logout')
    await page.locator('#whoami-status').filter({ hasText: 'You are not signed in.' }).waitFor()
    t.equal((await context.cookies(origin)).find(cookie => cookie.name === 'ory_kratos_session'), undefined, 'the session cookie is gone')
  })

  await t.test('a wrong password shows Ory\'s message on the re-rendered form', async t => {
    await page.click('nav a[data-route="login"]')
    const form = page.locator('form[data-flow="login"]')
    await form.waitFor()
    await form.locator('input[name="identifier"]').fill(EMAIL)
    await form.locator('input[name="password"]').fill('not the password at all')
    await form.locator('button[name="method"][value="password"]').click()
    const message = page.locator('.message-error[data-message-id="4000006"]')
    await message.waitFor()
    t.match(await message.textContent(), /credentials are invalid/)
  })

  await t.test('sign in', async t => {
    const form = page.locator('form[data-flow="login"]')
    await form.locator('input[name="identifier"]').fill(EMAIL)
    await form.locator('input[name="password"]').fill(PASSWORD)
    await form.locator('button[name="method"][value="password"]').click()
    await page.locator('#whoami-email').waitFor()
    t.equal(await page.locator('#whoami-email').textContent(), EMAIL)
    t.equal(await page.locator('#whoami-methods').textContent(), 'password')
    t.match(await page.locator('#flash').textContent(), /You are signed in/)
  })

  await t.test('settings: the profile form saves the new name', async t => {
    await page.click('nav a[data-route="settings"]')
    const form = page.locator('form[data-flow="settings"][data-group="profile"]')
    await form.waitFor()
    t.equal(await page.locator('form[data-flow="settings"][data-group="password"]').count(), 1, 'one form per method')
    await form.locator('input[name="traits.name.first"]').fill('Augusta Ada')
    await form.locator('button[name="method"][value="profile"]').click()
    await page.locator('.flow-settings .message-success[data-message-id="1050001"]').waitFor()
    await page.click('nav a[data-route=""]')
    await page.locator('#whoami-name').filter({ hasText: 'Augusta Ada Lovelace' }).waitFor()
  })

  await t.test('sign out again', async t => {
    await page.click('#logout')
    await page.locator('#whoami-status').filter({ hasText: 'You are not signed in.' }).waitFor()
    t.pass('signed out')
  })

  t.same(problems, [], 'no script error, console error (CSP violations included) or failed request')
  const elsewhere = requests.filter(url => !url.startsWith(`${origin}/`))
  t.same(elsewhere, [], 'the browser only ever talked to the BFF\'s origin')
  t.ok(requests.some(url => url.startsWith(`${origin}/.ory/`)), 'Ory was reached through /.ory')
  t.ok(emulator !== undefined && emulator.state.identities.size === 1, 'one identity was created in Ory')
})
