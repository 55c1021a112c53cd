import t from 'tap'
import { DEFAULT_STATIC_CSP } from '../../../src/config.js'
import { ADA, GRACE, signIn } from '../../helpers/admin.js'
import { signInInSpa, signOutInSpa, startAdminStack } from '../../helpers/admin-browser.js'
import { openBrowser, pageFetch } from '../../helpers/browser.js'

// An identity whose email trait is markup: the admin list shows Ory's data as text, like the flows.
const MALLORY = { id: '0b7b8f3e-8e3a-4c51-9d0e-3f6a2a9c0a03', email: '<img/src=x/onerror=window.__xss=1>@example.com' }

/** Notes in the page whether an Admin section was ever added, however briefly (a string: the typings have no DOM). */
const WATCH_ADMIN = `(() => {
  window.__adminSeen = false
  new MutationObserver(() => { if (document.getElementById('admin') !== null) window.__adminSeen = true })
    .observe(document.body, { childList: true, subtree: true })
})()`

t.test('the example SPA shows its Admin section only to an admin, who lists identities and revokes another identity\'s session', async t => {
  const { origin, app, emulator } = await startAdminStack(t, [ADA, GRACE, MALLORY])
  const { page, problems } = await openBrowser(t)

  const loaded = await page.goto(`${origin}/`)
  t.equal(loaded?.headers()['content-security-policy'], DEFAULT_STATIC_CSP, 'the page has the static CSP')
  await page.locator('#whoami-status').filter({ hasText: 'You are not signed in.' }).waitFor()
  await page.evaluate(WATCH_ADMIN)

  await t.test('a non-admin never sees the section', async t => {
    const probe = page.waitForResponse(response => response.url().startsWith(`${origin}/api/admin/identities?`))
    await signInInSpa(page, origin, GRACE)
    t.equal((await probe).status(), 403, 'the admin API refuses the identity')
    const home = page.locator('article.home.signed-in[data-admin]')
    await home.waitFor()
    t.equal(await home.getAttribute('data-admin'), 'none', 'the probe is done and showed nothing')
    t.equal(await page.locator('#admin').count(), 0, 'no Admin section')
    t.equal(await page.evaluate('window.__adminSeen'), false, 'not even for a moment')
    await signOutInSpa(page)
  })

  await t.test('an admin sees the identities and revokes a session of another identity', async t => {
    // Grace signs in elsewhere: the session the admin revokes.
    const grace = await signIn(t, app, GRACE)
    const whoami = await grace.json('GET', '/.ory/sessions/whoami')
    t.equal(whoami.statusCode, 200, 'Grace is signed in')
    const graceSession = whoami.json().id as string
    const oryWhoami = async (): Promise<number> => (await fetch(`${emulator.url}/sessions/whoami`, { headers: { cookie: grace.jar.header(), accept: 'application/json' } })).status
    t.equal(await oryWhoami(), 200, 'Ory knows her session by that cookie')

    await signInInSpa(page, origin, ADA)
    const section = page.locator('section#admin')
    await section.waitFor()
    t.equal(await page.locator('article.home').getAttribute('data-admin'), 'shown')
    t.equal(await section.locator('h2').textContent(), 'Admin')
    const rows = section.locator('#admin-identities tbody tr')
    t.equal(await rows.count(), 3, 'one row per identity')
    for (const person of [ADA, GRACE, MALLORY]) {
      const row = section.locator(`tr[data-identity="${person.id}"]`)
      t.equal(await row.locator('.admin-email').textContent(), person.email, `${person.id}: its email`)
      t.equal(await row.locator('.admin-id').textContent(), person.id, `${person.id}: its id`)
      t.equal(await row.locator('.admin-state').textContent(), 'active', `${person.id}: its state`)
    }
    t.equal(await section.locator('img').count(), 0, 'an email trait made of markup is text')
    t.equal(await page.evaluate('window.__xss'), undefined, 'and nothing of it ran')

    await section.locator(`tr[data-identity="${GRACE.id}"] button.admin-select`).click()
    const item = section.locator(`#admin-sessions[data-identity="${GRACE.id}"] li[data-session="${graceSession}"]`)
    await item.waitFor()
    t.equal(await section.locator('#admin-sessions li').count(), 1, 'Grace\'s one active session')
    t.match(await section.locator('#admin-sessions h3').textContent(), GRACE.email)

    const deleted = page.waitForRequest(request => request.method() === 'DELETE')
    await item.locator('button.admin-revoke').click()
    const request = await deleted
    t.equal(request.url(), `${origin}/api/admin/sessions/${graceSession}`, 'disableSession for that session')
    t.equal(request.headers()['ory-bff-confirm'], 'disableSession', 'confirmed by its operation id')
    await section.locator('#admin-message.message-success').filter({ hasText: graceSession }).waitFor()
    await section.locator('#admin-no-sessions').waitFor()
    t.pass('the list is reloaded without it')

    // Ory's own whoami: the BFF's session cache may keep a positive answer for SESSION_CACHE_TTL_MS.
    t.equal(await oryWhoami(), 401, 'Grace\'s session is gone: Ory\'s whoami says 401')
    const asAdmin = await pageFetch(page, `/api/admin/sessions/${graceSession}`)
    t.equal(asAdmin.status, 200)
    t.equal(JSON.parse(asAdmin.body).active, false, 'and the admin API says it is inactive')
    t.equal(await page.locator('#whoami-email').textContent(), ADA.email, 'the admin is still signed in')
  })

  t.same(problems, [], 'no script error, console error (CSP violations included) or failed request')
})
