import t from 'tap'
import { openBrowser, startStack } from '../../helpers/browser.js'

// A real navigation to a mirror URL the BFF refuses (a link with a forbidden return_to) ends on the example SPA's
// error page, which reads the error by its id through /.ory, as a Kratos error UI does (selfservice/errorx).
t.test('a link with a forbidden return_to lands on the SPA\'s error page, showing the refusal', async t => {
  const { origin } = await startStack(t)
  const { page, problems } = await openBrowser(t)
  const response = await page.goto(`${origin}/.ory/self-service/login/browser?return_to=${encodeURIComponent('https://evil.example/steal')}`)
  t.equal(response?.status(), 200, 'the error page, not a JSON 400')
  t.equal(response?.request().redirectedFrom()?.url().startsWith(`${origin}/.ory/self-service/login/browser`), true)
  await page.locator('article.flow-error #error-message').waitFor()
  t.match(page.url(), new RegExp(`^${origin}/#/error\\?id=[0-9a-f-]{36}$`))
  t.equal(await page.locator('#error-message').textContent(), 'The request was malformed or contained invalid parameters')
  t.equal(await page.locator('article.flow-error .reason').textContent(), 'Requested return_to URL "https://evil.example/steal" is not allowed.')
  t.match(await page.locator('article.flow-error code').textContent(), 'self_service_flow_return_to_forbidden')
  t.same(problems, [])
})
