import t from 'tap'
import { identity } from '../../../src/ory/index.js'
import { startElementsStack, visibleText } from '../../helpers/elements.js'

const EMAIL = 'grace@example.com'
const PASSWORD = 'a long and unguessable passphrase 7'

// Ory Elements' Registration and Verification components, in a custom React SPA served from STATIC_DIR, through the
// BFF's /.ory mirror: sign up, follow Ory's continue_with to the verification flow, enter a wrong code, then the code
// from the e-mail, see the session on the home page, sign out.
t.test('Ory Elements signs up, verifies the address by code, shows the session and signs out through the BFF', async t => {
  const s = await startElementsStack(t, 'registration-verification')
  const { page, origin } = s

  await s.step('the registration page starts a browser flow and renders it', async t => {
    const response = await page.goto(`${origin}/registration`)
    t.equal(response?.status(), 200)
    await page.getByTestId('ory/form/node/input/traits.email').waitFor()
    t.match(page.url(), new RegExp(`^${origin}/registration\\?flow=`), 'Ory redirected back to the page with ?flow=')
    t.match(await page.locator('form').first().getAttribute('action'), new RegExp(`^${origin}/\\.ory/self-service/registration\\?flow=`))
  })

  await s.step('sign up: continue_with leads to the verification flow, the code was sent', async t => {
    await page.getByTestId('ory/form/node/input/traits.email').fill(EMAIL)
    await page.getByTestId('ory/form/node/input/traits.name.first').fill('Grace')
    await page.getByTestId('ory/form/node/input/traits.name.last').fill('Hopper')
    await page.getByTestId('ory/form/node/input/password').fill(PASSWORD)
    await page.locator('button[name="method"][value="password"]').click()
    await page.waitForURL(new RegExp(`^${origin}/verification\\?flow=`))
    await page.getByTestId('ory/form/node/input/code').waitFor()
    // Kratos text/message_verification.go: InfoSelfServiceVerificationEmailWithCodeSent.
    await page.getByTestId('ory/message/1080003').waitFor()
    t.match(await visibleText(page), /code has been sent/)
  })

  await s.step('a wrong code shows Ory\'s message and keeps the form', async t => {
    const code = await s.lastCode(EMAIL)
    await page.getByTestId('ory/form/node/input/code').fill(code === '000000' ? '111111' : '000000')
    await page.locator('button[name="method"][value="code"]').click()
    // Kratos selfservice/strategy/code/strategy_verification.go (verificationUseCode): 200 with the flow and
    // text/message_validation.go's NewErrorValidationVerificationCodeInvalidOrAlreadyUsed.
    await page.getByTestId('ory/message/4070006').waitFor()
    t.match(await visibleText(page), /code is invalid or has already been used/)
    t.equal(await page.getByTestId('ory/form/node/input/code').count(), 1, 'the code can be entered again')
  })

  await s.step('the code from the e-mail verifies the address', async t => {
    const code = await s.lastCode(EMAIL)
    await page.getByTestId('ory/form/node/input/code').fill(code)
    await page.locator('button[name="method"][value="code"]').click()
    // Kratos text/message_verification.go: InfoSelfServiceVerificationSuccessful.
    await page.getByTestId('ory/message/1080002').waitFor()
    const identities = await identity.listIdentities(s.client, {})
    const address = identities.body[0]?.verifiable_addresses?.[0]
    t.equal(address?.value, EMAIL)
    t.equal(address?.verified, true, 'Ory marked the address verified')
  })

  await s.step('the home page shows the session', async t => {
    await page.goto(`${origin}/`)
    await page.locator('#session-email').waitFor()
    t.equal(await page.locator('#session-email').textContent(), EMAIL)
  })

  let logoutUrl: string | null = null
  await s.step('sign out with the logout URL of createBrowserLogoutFlow', async t => {
    logoutUrl = await page.locator('#logout').getAttribute('href')
    t.match(logoutUrl, new RegExp(`^${origin}/\\.ory/self-service/logout\\?token=`))
    await page.locator('#logout').click()
    await page.locator('#session-status').filter({ hasText: 'signed out' }).waitFor()
    t.equal((await s.context.cookies(origin)).find(cookie => cookie.name === 'ory_kratos_session'), undefined, 'the session cookie is gone')
  })

  await s.step('the logout URL once more: Ory\'s error, on the error page Elements renders', async t => {
    // Kratos selfservice/flow/logout/handler.go (updateLogoutFlow): without a session the error is forwarded to the
    // error UI (`?id=`), whose flow error the page fetches and hands to Elements' Error component.
    await page.goto(logoutUrl ?? `${origin}/`)
    await page.getByTestId('ory/screen/error').waitFor()
    t.match(page.url(), new RegExp(`^${origin}/error\\?id=`))
    t.match(await visibleText(page), /session/i, 'the error is about the missing session')
  })

  t.same(s.problems, [], 'no script error, console error or failed request')
  t.same(s.requests.filter(url => !url.startsWith(`${origin}/`)), [], 'the browser only ever talked to the BFF\'s origin')
})
