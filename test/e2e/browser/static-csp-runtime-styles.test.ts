import t, { type Test } from 'tap'
import { DEFAULT_STATIC_CSP } from '../../../src/config.js'
import { buildTestApp } from '../../helpers/app.js'
import { openBrowser } from '../../helpers/browser.js'
import { testConfig } from '../../helpers/config.js'
import { listen, tempTree } from '../../helpers/static.js'

// Ory Elements' dependencies (sonner's toasts, the one-time-code input, dropdowns) add <style> elements at run time,
// as this page's own script does. Real Chromium enforces the static pages' policy: with the default there must be no
// violation, and the injected style must apply; inline script must still be refused. The page's script then inserts
// an inline <script> as a last step: its violation, dispatched after any earlier one, says that counting is over.

const PAGE = '<!doctype html><html><head><title>spa</title><script src="/app.js"></script></head><body>spa</body></html>'

const SCRIPT = `
window.cspResult = new Promise(resolve => {
  const violations = []
  document.addEventListener('securitypolicyviolation', event => {
    violations.push(event.effectiveDirective)
    if (event.effectiveDirective.startsWith('script-src')) {
      resolve({ violations, color: getComputedStyle(document.body).color, inlineScriptRan: window.inlineScriptRan === true })
    }
  })
  addEventListener('DOMContentLoaded', () => {
    const style = document.createElement('style')
    style.textContent = 'body { color: rgb(1, 2, 3) }'
    document.head.appendChild(style)
    const script = document.createElement('script')
    script.textContent = 'window.inlineScriptRan = true'
    document.head.appendChild(script)
  })
})
`

/** The policy before STATIC_CSP: styles from this origin only. */
const OLD_POLICY = DEFAULT_STATIC_CSP.replace("style-src 'self' 'unsafe-inline'", "style-src 'self'")

interface Result {
  violations: string[]
  color: string
  inlineScriptRan: boolean
}

async function load (t: Test, env: Record<string, string>): Promise<Result> {
  const dir = await tempTree(t, { 'index.html': PAGE, 'app.js': SCRIPT })
  const app = buildTestApp(t, testConfig({ STATIC_DIR: dir, ...env }))
  const port = await listen(app)
  const { page } = await openBrowser(t)
  const response = await page.goto(`http://127.0.0.1:${port}/`)
  t.equal(response?.status(), 200)
  return await page.evaluate(async () => await (globalThis as unknown as { cspResult: Promise<Result> }).cspResult)
}

t.test('with the default policy, a style added at run time applies without a violation; inline script does not run', async t => {
  const result = await load(t, {})
  t.same(result.violations.filter(directive => !directive.startsWith('script-src')), [], 'no violation but the inline script\'s')
  t.equal(result.color, 'rgb(1, 2, 3)', 'the injected style applies')
  t.equal(result.inlineScriptRan, false, 'inline script is refused')
})

t.test('with STATIC_CSP set to styles of this origin only, the same style is refused', async t => {
  t.not(OLD_POLICY, DEFAULT_STATIC_CSP)
  const result = await load(t, { STATIC_CSP: OLD_POLICY })
  t.ok(result.violations.filter(directive => directive.startsWith('style-src')).length > 0, 'a style violation')
  t.not(result.color, 'rgb(1, 2, 3)', 'the injected style does not apply')
  t.equal(result.inlineScriptRan, false, 'inline script is refused')
})
