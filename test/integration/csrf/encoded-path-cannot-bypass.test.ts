import t from 'tap'
import { assertCsrfRefusal, csrfApp, PUBLIC_URL } from '../../helpers/csrf.js'

t.test('a percent-encoded /api path that the router decodes is still held to the CSRF checks', async t => {
  const { post, handled } = await csrfApp(t)
  const headers = { origin: 'https://evil.example', 'content-type': 'application/json' }
  for (const url of ['/%61pi/test/echo', '/api/%74est/echo', '/%61%70%69/test/echo?x=1']) {
    assertCsrfRefusal(t, await post(headers, url), 'origin')
  }
  t.equal(handled(), 0, 'no refused request reached the route')
  // And the route is indeed reached through such a path when the call is a proper one.
  const ok = await post({ origin: PUBLIC_URL, 'x-csrf': '1', 'content-type': 'application/json' }, '/%61pi/test/echo')
  t.equal(ok.statusCode, 200)
})
