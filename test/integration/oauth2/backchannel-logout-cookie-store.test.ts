import t from 'tap'
import { assertOryError, signIn, startOAuth2Bff } from '../../helpers/oauth2.js'

// With TOKEN_STORE=cookie the sessions live in the browsers' cookies: the provider's back-channel logout cannot end
// them, and says so with a 501 (not a 200 that would pretend the user was signed out).

t.test('back-channel logout with the cookie store: 501 with a clear message', async t => {
  const bff = await startOAuth2Bff(t, { env: { TOKEN_STORE: 'cookie' } })
  await signIn(bff)
  // As the provider sends it: a form post, no browser headers, no CSRF header.
  const response = await bff.app.inject({
    method: 'POST',
    url: '/api/oauth2/backchannel-logout',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ logout_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }).toString()
  })
  const error = assertOryError(t, response, 501)
  t.match(error.message, /TOKEN_STORE=redis/)
  t.equal(response.headers['cache-control'], 'no-store')
  t.not(response.statusCode, 403, 'not refused as a cross-site request')
})
