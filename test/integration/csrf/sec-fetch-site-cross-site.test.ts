import t from 'tap'
import { assertCsrfRefusal, csrfApp, SAME_ORIGIN } from '../../helpers/csrf.js'

t.test('a state-changing /api call with Sec-Fetch-Site other than same-origin or none is refused', async t => {
  const { post, handled } = await csrfApp(t)
  for (const site of ['cross-site', 'same-site', 'Cross-Site', 'something-new']) {
    const res = await post({ ...SAME_ORIGIN, 'sec-fetch-site': site })
    assertCsrfRefusal(t, res, 'sec-fetch-site')
    t.match(res.json().error.reason, /another site/)
  }
  t.equal(handled(), 0, 'no refused request reached the route')
})
