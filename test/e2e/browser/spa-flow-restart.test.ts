import t from 'tap'
import { json, loginFlow, oryError } from '../../helpers/browser-flows.js'
import { openBrowser, startStack } from '../../helpers/browser.js'

// Ory's answers that mean "this flow is no good, take another": 410 (expired, with the replacement's id) on fetch,
// and 403 security_csrf_violation on submit (the flow belongs to another browser or its cookie is gone).
t.test('an expired flow is replaced by the one Ory names, and a CSRF refusal starts a new flow', async t => {
  const { origin } = await startStack(t, { emulator: false })
  const { page, problems } = await openBrowser(t)
  const calls: string[] = []
  let submitted: { headers: Record<string, string>, body: unknown } | undefined
  await page.route(`${origin}/.ory/**`, async route => {
    const request = route.request()
    const url = new URL(request.url())
    calls.push(`${request.method()} ${url.pathname}${url.search}`)
    if (url.pathname === '/.ory/self-service/login/flows') {
      const id = url.searchParams.get('id')
      if (id === 'old') return await json(route, 410, oryError(410, 'self_service_flow_expired', { use_flow_id: 'new' }))
      return await json(route, 200, loginFlow(id ?? '', origin))
    }
    if (url.pathname === '/.ory/self-service/login' && request.method() === 'POST') {
      submitted = { headers: request.headers(), body: request.postDataJSON() }
      return await json(route, 403, oryError(403, 'security_csrf_violation'))
    }
    if (url.pathname === '/.ory/self-service/login/browser') return await json(route, 200, loginFlow('fresh', origin))
    return await json(route, 404, oryError(404, 'not_found'))
  })

  await page.goto(`${origin}/#/login?flow=old&return_to=${encodeURIComponent(`${origin}/after`)}`)
  await page.locator('input[name="csrf_token"][value="csrf-of-new"]').waitFor({ state: 'attached' })
  t.match(page.url(), /#\/login\?.*flow=new/, 'the replacement flow is in the address')
  t.match(page.url(), /return_to=/, 'the other parameters are kept')

  await page.fill('input[name="identifier"]', 'ada@example.com')
  await page.fill('input[name="password"]', 'a password')
  await page.click('button[name="method"][value="password"]')
  await page.locator('input[name="csrf_token"][value="csrf-of-fresh"]').waitFor({ state: 'attached' })
  t.match(page.url(), /flow=fresh/, 'after the CSRF refusal a new flow was created')
  t.same(submitted?.body, { csrf_token: 'csrf-of-new', identifier: 'ada@example.com', password: 'a password', method: 'password' },
    'the submission was JSON with the csrf_token field and the pressed button')
  t.match(submitted?.headers, { 'content-type': 'application/json', accept: 'application/json' })
  t.same(calls, [
    'GET /.ory/self-service/login/flows?id=old',
    'GET /.ory/self-service/login/flows?id=new',
    'POST /.ory/self-service/login?flow=new',
    `GET /.ory/self-service/login/browser?return_to=${encodeURIComponent(`${origin}/after`)}`
  ])
  t.same(problems, [])
})
