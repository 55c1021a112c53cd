import t from 'tap'
import { csrfApp, PUBLIC_URL, SAME_ORIGIN } from '../../helpers/csrf.js'

t.test('a proper same-origin call of the SPA passes the CSRF defence', async t => {
  const { post, handled } = await csrfApp(t)
  const accepted: Array<Record<string, string>> = [
    SAME_ORIGIN,
    { ...SAME_ORIGIN, 'x-requested-with': 'xmlhttprequest' },
    { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin', 'x-csrf': '1', 'content-type': 'application/json' },
    // A user-initiated request (Sec-Fetch-Site: none), or a client without Origin and fetch metadata (curl, a server).
    { 'sec-fetch-site': 'none', 'x-csrf': '1', 'content-type': 'application/json' },
    { 'x-requested-with': 'XMLHttpRequest', 'content-type': 'application/json' },
    // Browsers write the origin in lower case; a default port is no different origin.
    { ...SAME_ORIGIN, origin: 'https://APP.example.com:443' }
  ]
  for (const headers of accepted) {
    const res = await post(headers)
    t.equal(res.statusCode, 200, JSON.stringify(headers))
    t.same(res.json(), { ok: true })
  }
  t.equal(handled(), accepted.length)
})
