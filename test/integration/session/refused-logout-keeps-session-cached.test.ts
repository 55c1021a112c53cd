import t from 'tap'
import { HTML_ACCEPT } from '../../helpers/config.js'
import { withEmulator } from '../../helpers/session.js'

// Eviction through the mirror happens only once Ory has confirmed the logout: a logout link with a wrong token (Ory
// refuses it, to its error UI in a browser, with 403 as JSON) leaves the session as it is, and so does the cache.

const env = { SESSION_CACHE_TTL_MS: '3600000' }

t.test('a logout Ory refuses evicts nothing, in the browser and the JSON form', async t => {
  const { app, signIn, whoamiCalls } = await withEmulator(t, env)
  const cookie = (await signIn('ada@example.com')).header()
  t.equal((await app.inject({ url: '/api/session', headers: { cookie } })).statusCode, 200)
  const calls = whoamiCalls()

  const browser = await app.inject({ url: '/.ory/self-service/logout?token=wrong', headers: { cookie, accept: HTML_ACCEPT } })
  t.equal(browser.statusCode, 303)
  t.match(browser.headers.location, /\/error\?id=/, 'to Ory\'s error UI')
  const json = await app.inject({ url: '/.ory/self-service/logout?token=wrong', headers: { cookie, accept: 'application/json' } })
  t.equal(json.statusCode, 403)

  t.equal((await app.inject({ url: '/api/session', headers: { cookie } })).statusCode, 200)
  t.equal(whoamiCalls(), calls, 'still answered from the cache')
})
