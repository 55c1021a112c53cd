import t from 'tap'
import { frontend } from '../../../src/ory/index.js'
import { signUpNative } from '../../helpers/emulator.js'
import { pageFetch } from '../../helpers/browser.js'
import { startElementsStack } from '../../helpers/elements.js'

const EMAIL = 'katherine@example.com'
const PASSWORD = 'the first of two long passphrases'
const NEW_PASSWORD = 'the second of two long passphrases'

// Ory Elements' Settings component through the BFF: the profile and the password sections each save, and Ory then
// holds the new name and accepts the new password.
t.test('Ory Elements saves the profile and the password in the settings flow through the BFF', async t => {
  const s = await startElementsStack(t, 'settings')
  const { page, origin } = s
  await signUpNative(s.client, EMAIL, PASSWORD)

  await s.step('sign in', async t => {
    await page.goto(`${origin}/login`)
    await page.getByTestId('ory/form/node/input/identifier').fill(EMAIL)
    await page.getByTestId('ory/form/node/input/password').fill(PASSWORD)
    await page.locator('button[name="method"][value="password"]').click()
    await page.locator('#session-email').waitFor()
    t.equal(await page.locator('#session-email').textContent(), EMAIL)
  })

  await s.step('the settings page renders the profile and password sections', async t => {
    await page.goto(`${origin}/settings`)
    await page.getByTestId('ory/screen/settings/group/profile').waitFor()
    t.match(page.url(), new RegExp(`^${origin}/settings\\?flow=`))
    t.equal(await page.getByTestId('ory/screen/settings/group/password').count(), 1)
  })

  await s.step('the profile section saves a new name', async t => {
    const profile = page.getByTestId('ory/screen/settings/group/profile')
    await profile.getByTestId('ory/form/node/input/traits.name.first').fill('Katherine')
    await profile.getByTestId('ory/form/node/input/traits.name.last').fill('Johnson')
    await profile.locator('button[name="method"][value="profile"]').click()
    // Kratos text/message_settings.go: InfoSelfServiceSettingsUpdateSuccess.
    await page.getByTestId('ory/message/1050001').first().waitFor()
    const whoami = JSON.parse((await pageFetch(page, '/.ory/sessions/whoami')).body) as { identity: { traits: { name?: { first?: string, last?: string } } } }
    t.same(whoami.identity.traits.name, { first: 'Katherine', last: 'Johnson' }, 'Ory holds the new name')
  })

  await s.step('the password section saves a new password, which Ory then accepts', async t => {
    const before = await page.getByTestId('ory/message/1050001').count()
    const password = page.getByTestId('ory/screen/settings/group/password')
    await password.getByTestId('ory/form/node/input/password').fill(NEW_PASSWORD)
    await password.locator('button[name="method"][value="password"]').click()
    await page.waitForFunction(count => (globalThis as unknown as { document: { querySelectorAll: (s: string) => { length: number } } })
      .document.querySelectorAll('[data-testid="ory/message/1050001"]').length > count, before)
    const flow = await frontend.createNativeLoginFlow(s.client)
    const login = await frontend.updateLoginFlow(s.client, { flow: flow.body.id, body: { method: 'password', identifier: EMAIL, password: NEW_PASSWORD } })
    t.equal(login.status, 200, 'the new password signs in')
  })

  t.same(s.problems, [], 'no script error, console error or failed request')
  t.same(s.requests.filter(url => !url.startsWith(`${origin}/`)), [], 'the browser only ever talked to the BFF\'s origin')
})
