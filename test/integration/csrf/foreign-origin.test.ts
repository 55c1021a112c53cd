import t from 'tap'
import { assertCsrfRefusal, csrfApp, PUBLIC_URL, SAME_ORIGIN } from '../../helpers/csrf.js'

t.test('a state-changing /api call whose Origin is not PUBLIC_URL is refused, even with the custom header', async t => {
  const { post, handled } = await csrfApp(t)
  const foreign = [
    'https://evil.example',
    'https://app.example.com.evil.example',
    'http://app.example.com', // another scheme is another origin
    'https://app.example.com:8443', // another port too
    'https://sub.app.example.com', // and a subdomain
    'null', // an opaque origin: a sandboxed frame, a data: URL
    'not a url'
  ]
  for (const origin of foreign) {
    const res = await post({ ...SAME_ORIGIN, 'sec-fetch-site': 'same-origin', origin })
    assertCsrfRefusal(t, res, 'origin')
    t.notMatch(res.json().error.reason, PUBLIC_URL, 'the reason does not tell an attacker what origin to fake')
  }
  // Without Sec-Fetch-Site (an older browser) the Origin check still holds.
  const { 'sec-fetch-site': _, ...noFetchMetadata } = SAME_ORIGIN
  assertCsrfRefusal(t, await post({ ...noFetchMetadata, origin: 'https://evil.example' }), 'origin')
  t.equal(handled(), 0, 'no refused request reached the route')
})
