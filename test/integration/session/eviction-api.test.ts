import t from 'tap'
import { CookieJar, signInBrowser } from '../../helpers/emulator.js'
import { body, SAME_ORIGIN, withEmulator } from '../../helpers/session.js'

// Every way out through /api/session evicts the cached session at once: with a TTL of an hour and a clock that does
// not move, a session still served after its logout could only come from the cache.

const env = { SESSION_CACHE_TTL_MS: '3600000' }

t.test('POST /api/session/logout: Ory logs out, the cookies are cleared, the cache forgets', async t => {
  const { app, signIn, whoamiCalls } = await withEmulator(t, env)
  const jar = await signIn('ada@example.com')
  const cookie = jar.header()
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode, 200)
  t.equal(whoamiCalls(), 1, 'cached')

  const res = await app.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie, ...SAME_ORIGIN } })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  const cleared = [res.headers['set-cookie'] ?? []].flat()
  const sessionCookie = cleared.find(line => line.startsWith('ory_kratos_session='))
  t.ok(sessionCookie, 'the session cookie is cleared')
  t.match(sessionCookie, /Max-Age=(0|-1)|Expires=Thu, 01 Jan 1970/i)
  t.notMatch(sessionCookie, /Domain=127\.0\.0\.1/i, 'on the BFF\'s origin')

  for (const url of ['/api/session', '/.ory/sessions/whoami']) {
    t.equal((await app.inject({ method: 'GET', url, headers: { cookie, accept: 'application/json' } })).statusCode, 401, `${url} with the old cookie`)
  }
  const again = await app.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie, ...SAME_ORIGIN } })
  t.equal(again.statusCode, 204, 'logging out without a session is fine too')
})

t.test('POST /api/session/logout with a session token ends that session', async t => {
  const { app, signUpToken } = await withEmulator(t, env)
  const { token } = await signUpToken('tok@example.com')
  const headers = { 'x-session-token': token }
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/api/session/logout', headers: { ...headers, ...SAME_ORIGIN } })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/api/session', headers })).statusCode, 401)
})

t.test('DELETE /api/session/devices/:id and DELETE /api/session/devices evict the revoked sessions', async t => {
  const { app, signIn, client } = await withEmulator(t, env)
  const laptop = await signIn('bob@example.com')
  const phone = new CookieJar()
  await signInBrowser(client, phone, 'bob@example.com')
  const tablet = new CookieJar()
  await signInBrowser(client, tablet, 'bob@example.com')
  const get = async (jar: CookieJar): Promise<{ status: number, id?: string }> => {
    const res = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: jar.header() } })
    return { status: res.statusCode }
  }
  for (const jar of [laptop, phone, tablet]) t.equal((await get(jar)).status, 200, 'all three cached')

  const devices = await app.inject({ method: 'GET', url: '/api/session/devices', headers: { cookie: laptop.header() } })
  t.equal(devices.statusCode, 200)
  const list = body(devices).sessions as Array<{ id: string, current: boolean }>
  // Three browsers and the session the native sign-up made.
  t.equal(list.length, 4)
  t.equal(list[0]!.current, true)
  t.same(list.slice(1).map(s => s.current), [false, false, false])

  const phoneSession = (await app.inject({ method: 'GET', url: '/.ory/sessions/whoami', headers: { cookie: phone.header(), accept: 'application/json' } })).json().id as string
  const revoked = await app.inject({ method: 'DELETE', url: `/api/session/devices/${phoneSession}`, headers: { cookie: laptop.header(), ...SAME_ORIGIN } })
  t.equal(revoked.statusCode, 204)
  t.equal((await get(phone)).status, 401, 'the revoked device is evicted at once')
  t.equal((await get(laptop)).status, 200)
  t.equal((await get(tablet)).status, 200)

  const others = await app.inject({ method: 'DELETE', url: '/api/session/devices', headers: { cookie: laptop.header(), ...SAME_ORIGIN } })
  t.equal(others.statusCode, 200)
  t.same(body(others), { count: 2 })
  t.equal((await get(tablet)).status, 401, 'the other sessions are evicted at once')
  t.equal((await get(laptop)).status, 200, 'the current one stays')
})
