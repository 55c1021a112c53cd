import t from 'tap'
import { flow, input, json, loginFlow, oryError, text } from '../../helpers/browser-flows.js'
import { openBrowser, startStack } from '../../helpers/browser.js'

// 422 browser_location_change_required: Ory tells an AJAX client where the browser must go next (after recovery:
// the settings page of the SPA, on Ory's configured UI URL). The SPA follows it, and a UI URL of its own
// (/settings?flow=…) is loaded as its own route.
t.test('a 422 with redirect_browser_to sends the browser there, and the SPA opens its own UI URL', async t => {
  const { origin } = await startStack(t, { emulator: false })
  const { page, problems } = await openBrowser(t)
  await page.route(`${origin}/.ory/**`, async route => {
    const url = new URL(route.request().url())
    if (url.pathname === '/.ory/self-service/login/browser') return await json(route, 200, loginFlow('l1', origin))
    if (url.pathname === '/.ory/self-service/login') {
      return await json(route, 422, oryError(422, 'browser_location_change_required', { redirect_browser_to: `${origin}/settings?flow=s1` }))
    }
    if (url.pathname === '/.ory/self-service/settings/flows' && url.searchParams.get('id') === 's1') {
      return await json(route, 200, flow('settings', 's1', origin, [
        input('csrf_token', 'hidden', { value: 'c' }),
        input('password', 'password', { group: 'password', label: text('Password') }),
        input('method', 'submit', { group: 'password', value: 'password', label: text('Save', 'info', 1070003) })
      ], [text('You successfully recovered your account.', 'success', 1060001)]))
    }
    return await json(route, 404, oryError(404, 'not_found'))
  })

  await page.goto(`${origin}/#/login`)
  await page.fill('input[name="identifier"]', 'ada@example.com')
  await page.fill('input[name="password"]', 'a password')
  await page.click('button[name="method"][value="password"]')
  await page.locator('form[data-flow="settings"][data-group="password"]').waitFor()
  t.equal(new URL(page.url()).pathname, '/', 'the UI URL was turned into the SPA\'s route')
  t.match(new URL(page.url()).hash, /^#\/settings\?flow=s1$/)
  t.equal(await page.locator('.message-success[data-message-id="1060001"]').count(), 1, 'the flow\'s message is shown')
  t.same(problems, [])
})
