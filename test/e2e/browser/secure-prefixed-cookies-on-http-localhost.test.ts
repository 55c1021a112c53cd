import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { openBrowser } from '../../helpers/browser.js'
import { oryConfig } from '../../helpers/config.js'
import { freePort, json, startUpstream } from '../../helpers/upstream.js'

// Ory's cookies named `__Host-…` or `__Secure-…` are refused by every browser without `Secure`. On plain-http
// development the mirror strips `Secure` from Ory's other cookies, but keeps it on these: real Chromium then sets them
// on http://localhost (a secure context for cookies) and sends them back, and the mirror forwards them to Ory.

t.test('__Host- and __Secure- cookies of Ory\'s set on http://localhost and come back to Ory', async t => {
  const sent: string[] = []
  const ory = await startUpstream((req, res) => {
    if (req.url.startsWith('/self-service/login/browser')) {
      return json(res, 200, { id: 'f1' }, {
        'set-cookie': [
          '__Host-ory_session_dev=s1; Path=/; HttpOnly; Secure; SameSite=Lax',
          '__Secure-csrf_token_dev=c1; Path=/; HttpOnly; Secure; SameSite=Lax',
          'ory_plain=p1; Path=/; HttpOnly; Secure; SameSite=Lax'
        ]
      })
    }
    if (req.url.startsWith('/self-service/login/flows')) sent.push(String(req.headers.cookie ?? ''))
    json(res, 200, { id: 'f1' })
  })
  t.teardown(ory.close)
  const port = await freePort()
  const origin = `http://localhost:${port}`
  const app = buildTestApp(t, oryConfig(ory.url, { PUBLIC_URL: origin, ORY_COOKIE_PATTERN: '__Host-ory_session_*,__Secure-csrf_token_*,ory_plain' }))
  await app.listen({ host: '127.0.0.1', port })
  const { context, page } = await openBrowser(t)

  await page.goto(`${origin}/.ory/self-service/login/browser`)
  const names = (await context.cookies(origin)).map(cookie => cookie.name).sort()
  t.same(names, ['__Host-ory_session_dev', '__Secure-csrf_token_dev', 'ory_plain'], 'the browser kept all three')

  await page.goto(`${origin}/.ory/self-service/login/flows?id=f1`)
  t.equal(sent.length, 1)
  t.same(sent[0]!.split('; ').sort(), ['__Host-ory_session_dev=s1', '__Secure-csrf_token_dev=c1', 'ory_plain=p1'], 'and Ory got them back')
})
