import t from 'tap'
import { frontend } from '../../../src/ory/index.js'
import { signUpNative } from '../../helpers/emulator.js'
import { startElementsStack, visibleText } from '../../helpers/elements.js'

const EMAIL = 'dorothy@example.com'
const PASSWORD = 'a passphrase that was forgotten'
const NEW_PASSWORD = 'a passphrase chosen after recovery'

// Ory Elements' Recovery component through the BFF: ask for a code, enter a wrong one, then the one from the e-mail,
// land in the settings flow Ory opens for the recovered session (with its "change your password within N minutes"
// message), set a new password, sign out.
t.test('Ory Elements recovers an account by code, sets a new password and signs out through the BFF', async t => {
  const s = await startElementsStack(t, 'recovery')
  const { page, origin } = s
  await signUpNative(s.client, EMAIL, PASSWORD)

  await s.step('the recovery page asks for the address and sends a code', async t => {
    await page.goto(`${origin}/recovery`)
    await page.getByTestId('ory/form/node/input/email').waitFor()
    t.match(page.url(), new RegExp(`^${origin}/recovery\\?flow=`))
    await page.getByTestId('ory/form/node/input/email').fill(EMAIL)
    await page.locator('button[name="method"][value="code"]').click()
    await page.getByTestId('ory/form/node/input/code').waitFor()
    // Kratos text/message_recovery.go: InfoSelfServiceRecoveryEmailWithCodeSent.
    await page.getByTestId('ory/message/1060003').waitFor()
    t.match(await visibleText(page), /code has been sent/)
  })

  await s.step('a wrong code shows Ory\'s message and keeps the form', async t => {
    const code = await s.lastCode(EMAIL)
    await page.getByTestId('ory/form/node/input/code').fill(code === '000000' ? '111111' : '000000')
    await page.locator('button[name="method"][value="code"]').click()
    // Kratos selfservice/strategy/code/strategy_recovery.go (recoveryUseCode): 200 with the flow and
    // text/message_validation.go's NewErrorValidationRecoveryCodeInvalidOrAlreadyUsed.
    await page.getByTestId('ory/message/4060006').waitFor()
    t.match(await visibleText(page), /code is invalid or has already been used/)
    t.match(page.url(), new RegExp(`^${origin}/recovery\\?flow=`), 'still on the recovery page')
  })

  await s.step('the code from the e-mail leads to the settings flow of the recovered session', async t => {
    const code = await s.lastCode(EMAIL)
    await page.getByTestId('ory/form/node/input/code').fill(code)
    await page.locator('button[name="method"][value="code"]').click()
    await page.waitForURL(new RegExp(`^${origin}/settings\\?flow=`))
    // Kratos text/message_recovery.go: InfoSelfServiceRecoverySuccessful, whose text Elements renders from its
    // own template with the flow's context ({privileged_session_expires_at_unix_until_minutes}).
    const message = page.getByTestId('ory/message/1060001')
    await message.waitFor()
    t.match(await message.textContent(), /within the next \d+ minutes?/)
  })

  await s.step('a new password is saved and Ory accepts it', async t => {
    const password = page.getByTestId('ory/screen/settings/group/password')
    await password.getByTestId('ory/form/node/input/password').fill(NEW_PASSWORD)
    await password.locator('button[name="method"][value="password"]').click()
    // Kratos text/message_settings.go: InfoSelfServiceSettingsUpdateSuccess.
    await page.getByTestId('ory/message/1050001').first().waitFor()
    const flow = await frontend.createNativeLoginFlow(s.client)
    const login = await frontend.updateLoginFlow(s.client, { flow: flow.body.id, body: { method: 'password', identifier: EMAIL, password: NEW_PASSWORD } })
    t.equal(login.status, 200, 'the new password signs in')
  })

  await s.step('sign out', async t => {
    await page.goto(`${origin}/`)
    await page.locator('#session-email').waitFor()
    t.equal(await page.locator('#session-email').textContent(), EMAIL)
    await page.locator('#logout').click()
    await page.locator('#session-status').filter({ hasText: 'signed out' }).waitFor()
    t.equal((await s.context.cookies(origin)).find(cookie => cookie.name === 'ory_kratos_session'), undefined, 'the session cookie is gone')
  })

  t.same(s.problems, [], 'no script error, console error or failed request')
  t.same(s.requests.filter(url => !url.startsWith(`${origin}/`)), [], 'the browser only ever talked to the BFF\'s origin')
})
