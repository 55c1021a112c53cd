import t from 'tap'
import { assertCsrfRefusal, csrfApp, PUBLIC_URL } from '../../helpers/csrf.js'

t.test('a state-changing /api call without X-Requested-With or X-CSRF is refused with 403', async t => {
  const { post, handled, app } = await csrfApp(t)
  const bare = { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }

  const res = await post(bare)
  assertCsrfRefusal(t, res, 'custom-header')
  t.match(res.json().error.reason, /X-Requested-With: XMLHttpRequest.*X-CSRF: 1/)

  assertCsrfRefusal(t, await post({ ...bare, 'x-requested-with': 'fetch' }), 'custom-header')
  assertCsrfRefusal(t, await post({ ...bare, 'x-csrf': '0' }), 'custom-header')
  assertCsrfRefusal(t, await post({ ...bare, 'x-csrf': '' }), 'custom-header')
  // A form post or a plain fetch from another tab of the same browser: no custom header, no Origin.
  const form = await app.inject({ method: 'POST', url: '/api/test/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' })
  assertCsrfRefusal(t, form, 'custom-header')
  for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
    assertCsrfRefusal(t, await app.inject({ method, url: '/api/test/echo', headers: bare }), 'custom-header')
  }
  t.equal(handled(), 0, 'no refused request reached the route')
})
