import t from 'tap'
import { isBrowserNavigation } from '../../../src/mirror/navigation.js'

// Kratos x/isjsonrequest.go `IsBrowserRequest`: gddo's content negotiation over text/html, text/*, */*,
// application/json, text/html by default, picks text/html.
t.test('Accept negotiated as Kratos does', async t => {
  const cases: Array<[string | undefined, boolean]> = [
    [undefined, true],
    ['', true],
    ['*/*', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/html', true],
    ['text/*', true],
    ['text/plain', true],
    ['application/json', false],
    ['application/json, text/plain, */*', false],
    ['text/html;q=0.5, application/json', false],
    ['application/json;q=0.5, text/html', true],
    ['application/json;q=0.9, */*', true],
    ['application/json, */*', false],
    ['text/html;q=0, application/json;q=0.1', false],
    ['image/png', true],
    // gddo stops reading a header value at a parameter other than q: the JSON offer after it is never seen.
    ['text/html;level=1, application/json', true],
    ['application/json;charset=utf-8', true],
    ['APPLICATION/JSON', true]
  ]
  for (const [accept, browser] of cases) {
    t.equal(isBrowserNavigation(accept === undefined ? {} : { accept }), browser, `Accept: ${String(accept)}`)
  }
})

t.test('a JSON body is never a navigation', async t => {
  t.equal(isBrowserNavigation({ accept: '*/*', 'content-type': 'application/json' }), false)
  t.equal(isBrowserNavigation({ 'content-type': 'Application/JSON; charset=utf-8' }), false)
  t.equal(isBrowserNavigation({ 'content-type': 'application/x-www-form-urlencoded' }), true)
})

t.test('Fetch Metadata: only a navigation is one', async t => {
  t.equal(isBrowserNavigation({ accept: '*/*', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }), true)
  t.equal(isBrowserNavigation({ accept: '*/*', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' }), true)
  t.equal(isBrowserNavigation({ accept: '*/*', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }), false)
  t.equal(isBrowserNavigation({ accept: '*/*', 'sec-fetch-mode': 'same-origin' }), false)
  t.equal(isBrowserNavigation({ accept: '*/*', 'sec-fetch-dest': 'empty' }), false)
  t.equal(isBrowserNavigation({ accept: '*/*', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' }), false)
})
