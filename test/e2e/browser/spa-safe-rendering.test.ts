import t from 'tap'
import { flow, input, json, text } from '../../helpers/browser-flows.js'
import { openBrowser, startStack } from '../../helpers/browser.js'

// Ory's flows carry text that users and identity schemas choose (labels, messages, trait values): the SPA must show
// it as text, never run it, and load nothing from an address Ory's nodes name unless it is this origin.
t.test('the SPA renders hostile flow content as inert text and loads only same-origin scripts', async t => {
  const { origin } = await startStack(t, { emulator: false })
  const { page, problems, requests } = await openBrowser(t)
  const hostile = '<img src=x onerror="window.__xss=1">'
  const nodes = [
    input('csrf_token', 'hidden', { value: '"><script>window.__xss=2</script>' }),
    input('identifier', 'text', { label: text('<b onmouseover="window.__xss=3">Email</b>'), messages: [text(hostile, 'error', 4000001)] }),
    { type: 'a', group: 'default', attributes: { id: 'bad-link', href: 'javascript:window.__xss=4', title: text('bad'), node_type: 'a' }, messages: [], meta: {} },
    { type: 'a', group: 'default', attributes: { id: 'help', href: 'https://example.org/help', title: text('<i>Help</i>'), node_type: 'a' }, messages: [], meta: {} },
    { type: 'img', group: 'totp', attributes: { id: 'bad-img', src: 'javascript:window.__xss=5', width: 1, height: 1, node_type: 'img' }, messages: [], meta: {} },
    { type: 'img', group: 'totp', attributes: { id: 'qr', src: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', width: 1, height: 1, node_type: 'img' }, messages: [], meta: { label: text('QR code') } },
    { type: 'text', group: 'lookup_secret', attributes: { id: 'codes', text: { id: 1050015, text: '<script>window.__xss=6</script>', type: 'info', context: { secrets: [{ id: 1, text: '<u>code-1</u>', type: 'info' }] } }, node_type: 'text' }, messages: [], meta: {} },
    { type: 'script', group: 'webauthn', attributes: { id: 'evil-script', src: 'https://evil.example/x.js', async: true, crossorigin: 'anonymous', integrity: '', nonce: '', referrerpolicy: 'no-referrer', type: 'text/javascript', node_type: 'script' }, messages: [], meta: {} },
    { type: 'script', group: 'webauthn', attributes: { id: 'webauthn_script', src: `${origin}/.ory/.well-known/ory/webauthn.js`, async: true, crossorigin: 'anonymous', integrity: '', nonce: '', referrerpolicy: 'no-referrer', type: 'text/javascript', node_type: 'script' }, messages: [], meta: {} },
    { type: 'div', group: 'captcha', attributes: { id: 'hook', class: 'widget', data: { sitekey: 'abc', '"><b>': 'x' }, node_type: 'div' }, messages: [], meta: {} },
    input('method', 'submit', { group: 'password', value: 'password', label: text('<svg onload="window.__xss=7">Go') })
  ]
  await page.route(`${origin}/.ory/**`, async route => {
    const { pathname } = new URL(route.request().url())
    if (pathname === '/.ory/self-service/login/browser') return await json(route, 200, flow('login', 'f1', origin, nodes, [text(hostile, 'error', 4000000)]))
    if (pathname === '/.ory/.well-known/ory/webauthn.js') {
      return await route.fulfill({ status: 200, contentType: 'text/javascript', body: 'window.__oryScriptLoaded = true' })
    }
    return await json(route, 404, { error: { code: 404, message: 'not here' } })
  })

  await page.goto(`${origin}/#/login`)
  await page.locator('form[data-flow="login"]').waitFor()
  await page.waitForFunction(() => (globalThis as unknown as { __oryScriptLoaded?: boolean }).__oryScriptLoaded === true)

  t.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: unknown }).__xss), undefined, 'nothing from the flow ran')
  const body = await page.locator('main').textContent() ?? ''
  t.ok(body.includes(hostile), 'the flow message is shown as the text it is')
  t.ok(body.includes('<b onmouseover="window.__xss=3">Email</b>'), 'the label is text')
  t.ok(body.includes('<script>window.__xss=6</script>') && body.includes('<u>code-1</u>'), 'text nodes and lookup secrets are text')
  t.equal(await page.locator('main b, main u, main svg, main script').count(), 0, 'no element was made from Ory\'s strings')
  t.equal(await page.locator('input[name="csrf_token"]').inputValue(), '"><script>window.__xss=2</script>', 'the hidden value is a value')
  t.equal(await page.locator('#bad-link').count(), 0, 'a javascript: link is not rendered')
  t.equal(await page.locator('#help').getAttribute('href'), 'https://example.org/help')
  t.equal(await page.locator('#help').textContent(), '<i>Help</i>')
  t.equal(await page.locator('#bad-img').count(), 0, 'a javascript: image is not rendered')
  t.equal(await page.locator('#qr').getAttribute('alt'), 'QR code', 'a data: image is, with its label')
  t.equal(await page.locator('script#evil-script').count(), 0, 'a script from another origin is not added')
  t.notOk(requests.some(url => url.startsWith('https://evil.example')), 'nor requested')
  t.equal(await page.locator('#hook').getAttribute('data-sitekey'), 'abc', 'division data becomes data-* attributes')
  // The node typings have no DOM; @types/react (which tap's typings import) declares HTMLElement as an empty interface.
  const attributeCount = await page.locator('#hook').evaluate(div => (div as unknown as { attributes: { length: number } }).attributes.length)
  t.equal(attributeCount, 3, 'and only valid names do (id, class, data-sitekey)')
  t.same(problems, [], 'no errors')
})
