import t from 'tap'
import { CookieJar, signInBrowser } from '../../helpers/emulator.js'
import { HTML_ACCEPT } from '../../helpers/config.js'
import { withEmulator } from '../../helpers/session.js'

// The logout paths of Ory's own API through the /.ory mirror evict too: updateLogoutFlow (the browser's logout link),
// performNativeLogout, disableMySession and disableMyOtherSessions. The TTL is an hour and the clock stands still.

const env = { SESSION_CACHE_TTL_MS: '3600000' }
const JSON_ACCEPT = { accept: 'application/json' }

t.test('updateLogoutFlow: the logout link ends the cached session', async t => {
  const { app, signIn } = await withEmulator(t, env)
  const cookie = (await signIn('ada@example.com')).header()
  t.equal((await app.inject({ url: '/api/session', headers: { cookie } })).statusCode, 200)
  const flow = await app.inject({ url: '/.ory/self-service/logout/browser', headers: { cookie, ...JSON_ACCEPT } })
  t.equal(flow.statusCode, 200)
  const logoutUrl = new URL(flow.json().logout_url as string)
  t.equal(logoutUrl.pathname, '/.ory/self-service/logout')
  const done = await app.inject({ url: `${logoutUrl.pathname}${logoutUrl.search}`, headers: { cookie, ...JSON_ACCEPT } })
  t.equal(done.statusCode, 204)
  t.equal((await app.inject({ url: '/api/session', headers: { cookie } })).statusCode, 401)
  t.equal((await app.inject({ url: '/.ory/sessions/whoami', headers: { cookie, ...JSON_ACCEPT } })).statusCode, 401)
})

t.test('performNativeLogout: the session token\'s cached session is evicted', async t => {
  const { app, signUpToken } = await withEmulator(t, env)
  const { token } = await signUpToken('tok@example.com')
  t.equal((await app.inject({ url: '/api/session', headers: { 'x-session-token': token } })).statusCode, 200)
  const done = await app.inject({ method: 'DELETE', url: '/.ory/self-service/logout/api', headers: JSON_ACCEPT, payload: { session_token: token } })
  t.equal(done.statusCode, 204)
  t.equal((await app.inject({ url: '/api/session', headers: { 'x-session-token': token } })).statusCode, 401)
})

t.test('disableMySession and disableMyOtherSessions evict the sessions they revoke', async t => {
  const { app, signIn, client } = await withEmulator(t, env)
  const laptop = (await signIn('bob@example.com')).header()
  const jars = [new CookieJar(), new CookieJar()]
  for (const jar of jars) await signInBrowser(client, jar, 'bob@example.com')
  const [phone, tablet] = jars.map(jar => jar.header()) as [string, string]
  const status = async (cookie: string): Promise<number> => (await app.inject({ url: '/api/session', headers: { cookie } })).statusCode
  for (const cookie of [laptop, phone, tablet]) t.equal(await status(cookie), 200)

  const phoneId = (await app.inject({ url: '/.ory/sessions/whoami', headers: { cookie: phone, ...JSON_ACCEPT } })).json().id as string
  const one = await app.inject({ method: 'DELETE', url: `/.ory/sessions/${phoneId}`, headers: { cookie: laptop, ...JSON_ACCEPT } })
  t.equal(one.statusCode, 204)
  t.equal(await status(phone), 401, 'disableMySession evicted the phone')
  t.equal(await status(tablet), 200)

  const others = await app.inject({ method: 'DELETE', url: '/.ory/sessions', headers: { cookie: laptop, ...JSON_ACCEPT } })
  t.equal(others.statusCode, 200)
  t.equal(await status(tablet), 401, 'disableMyOtherSessions evicted the tablet')
  t.equal(await status(laptop), 200, 'the current session stays')
})

t.test('updateLogoutFlow in a browser: Ory\'s 303 that clears the session cookie evicts', async t => {
  const { app, signIn } = await withEmulator(t, env)
  const cookie = (await signIn('grace@example.com')).header()
  t.equal((await app.inject({ url: '/api/session', headers: { cookie } })).statusCode, 200)
  const flow = await app.inject({ url: '/.ory/self-service/logout/browser', headers: { cookie, ...JSON_ACCEPT } })
  const logoutUrl = new URL(flow.json().logout_url as string)
  const done = await app.inject({ url: `${logoutUrl.pathname}${logoutUrl.search}`, headers: { cookie, accept: HTML_ACCEPT } })
  t.equal(done.statusCode, 303)
  t.match(String(done.headers['set-cookie']), /ory_kratos_session=;/, 'Ory cleared the session cookie')
  t.equal((await app.inject({ url: '/api/session', headers: { cookie } })).statusCode, 401)
})
