import t from 'tap'
import { signUpNative } from '../../helpers/emulator.js'
import { startElementsStack, visibleText } from '../../helpers/elements.js'
import { pageFetch } from '../../helpers/browser.js'

const EMAIL = 'ada@example.com'
const PASSWORD = 'correct horse battery staple 42'

async function authenticatedAt (page: Parameters<typeof pageFetch>[0]): Promise<string> {
  const whoami = await pageFetch(page, '/.ory/sessions/whoami')
  return (JSON.parse(whoami.body) as { authenticated_at: string }).authenticated_at
}

// Ory Elements' Login component through the BFF: a wrong password shows Ory's message on the re-rendered flow, the
// right one signs in and lands on the flow's return_to (Kratos's continue_with redirect_browser_to), and refresh=true
// asks for the password again and renews the session's authentication.
t.test('Ory Elements signs in through the BFF: wrong password, return_to, refresh=true', async t => {
  const s = await startElementsStack(t, 'login')
  const { page, origin } = s
  await signUpNative(s.client, EMAIL, PASSWORD)

  await s.step('a wrong password shows Ory\'s error on the form', async t => {
    await page.goto(`${origin}/login?return_to=${encodeURIComponent(`${origin}/?from=login`)}`)
    await page.getByTestId('ory/form/node/input/identifier').waitFor()
    await page.getByTestId('ory/form/node/input/identifier').fill(EMAIL)
    await page.getByTestId('ory/form/node/input/password').fill('not the password at all')
    await page.locator('button[name="method"][value="password"]').click()
    // Kratos text/message_validation.go: NewErrorValidationInvalidCredentials.
    await page.getByTestId('ory/message/4000006').waitFor()
    t.match(await visibleText(page), /credentials are invalid/)
    t.match(page.url(), new RegExp(`^${origin}/login\\?flow=`), 'still on the same login page')
  })

  await s.step('the right password signs in and lands on return_to', async t => {
    await page.getByTestId('ory/form/node/input/password').fill(PASSWORD)
    await page.locator('button[name="method"][value="password"]').click()
    await page.waitForURL(`${origin}/?from=login`)
    await page.locator('#session-email').waitFor()
    t.equal(await page.locator('#session-email').textContent(), EMAIL)
  })

  await s.step('refresh=true asks for the password again and renews the authentication', async t => {
    const before = await authenticatedAt(page)
    await page.goto(`${origin}/login?refresh=true&return_to=${encodeURIComponent(`${origin}/?from=refresh`)}`)
    await page.getByTestId('ory/form/node/input/password').waitFor()
    t.match(page.url(), new RegExp(`^${origin}/login\\?flow=`))
    // Elements turns a refresh flow (`refresh: true`) into its "Reauthenticate" card, naming the signed-in identifier.
    await page.getByText('Reauthenticate').waitFor()
    t.equal(await page.getByTestId('ory/screen/login/current-identifier').textContent(), EMAIL)
    await page.getByTestId('ory/form/node/input/password').fill(PASSWORD)
    await page.locator('button[name="method"][value="password"]').click()
    await page.waitForURL(`${origin}/?from=refresh`)
    await page.locator('#session-email').waitFor()
    const after = await authenticatedAt(page)
    t.ok(Date.parse(after) > Date.parse(before), `authenticated_at moved on (${before} → ${after})`)
  })

  // Kratos answers a browser navigation whose return_to is not allowed with a 303 to the error UI
  // (selfservice/flow/login/handler.go createBrowserLoginFlow → errorx.Manager.Forward). The BFF's mirror refuses
  // such a return_to itself, before Ory, and does the same: the error it keeps is read back through
  // /.ory/self-service/errors?id=, which Elements' error page asks for.
  await s.step('a return_to outside the allowlist ends on the error page, rendered by Elements', async t => {
    await page.goto(`${origin}/login?return_to=${encodeURIComponent('https://elsewhere.example/')}`)
    await page.getByTestId('ory/screen/error').waitFor({ timeout: 5000 })
    t.match(page.url(), new RegExp(`^${origin}/error\\?id=`))
    t.match(await visibleText(page), /return_to/)
  })

  t.same(s.problems, [], 'no script error, console error or failed request')
  t.same(s.requests.filter(url => !url.startsWith(`${origin}/`)), [], 'the browser only ever talked to the BFF\'s origin')

  await t.test('the violation counter is live: an inline script added now is refused and counted', async t => {
    const directive = await page.evaluate(async () => {
      const { document } = globalThis as unknown as {
        document: {
          createElement: (tag: string) => { textContent: string }
          head: { appendChild: (node: unknown) => void }
          addEventListener: (type: string, fn: (event: { effectiveDirective: string }) => void) => void
        }
      }
      const seen = new Promise<string>(resolve => document.addEventListener('securitypolicyviolation', event => resolve(event.effectiveDirective)))
      const script = document.createElement('script')
      script.textContent = 'window.inlineRan = true'
      document.head.appendChild(script)
      return await seen
    })
    t.equal(directive, 'script-src-elem')
    t.match(s.violations, [/^script-src-elem inline$/], 'the test\'s listener reported it')
    t.equal(await page.evaluate(() => (globalThis as unknown as { inlineRan?: boolean }).inlineRan), undefined, 'the inline script did not run')
    s.violations.length = 0
  })
})
