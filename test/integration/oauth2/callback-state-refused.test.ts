import t from 'tap'
import type { Test } from 'tap'
import {
  assertNoSecretsLogged, assertOryError, authorizeAtEmulator, BffCookies, clearedCookies, cookieHeader, cookiesOf, SPA_FETCH, startLogin, startOAuth2Bff
} from '../../helpers/oauth2.js'

// The callback finishes only a login this browser started: its state names a sealed transaction cookie of this BFF.
// No state, a state that is not one of ours, a state without its cookie, a cookie that was changed, and a callback
// replayed after the login finished are refused as Ory refuses a CSRF violation (400 security_csrf_violation), and no
// session is created.

t.test('callbacks without a valid login in progress are refused', async t => {
  const bff = await startOAuth2Bff(t)
  const callBack = async (query: string, cookie = ''): Promise<Awaited<ReturnType<typeof bff.app.inject>>> =>
    await bff.app.inject({ method: 'GET', url: `/api/oauth2/callback${query}`, headers: cookie === '' ? {} : { cookie } })
  const noSession = (t: Test, response: Awaited<ReturnType<typeof bff.app.inject>>): void => {
    t.notOk(Object.keys(cookiesOf(response)).some(name => name.startsWith('bff_session')), 'no session cookie is set')
    t.equal(response.headers.location, undefined, 'no redirect')
  }

  await t.test('no state', async t => {
    const response = await callBack('?code=abc')
    assertOryError(t, response, 400, 'security_csrf_violation')
    noSession(t, response)
    const empty = await callBack('?code=abc&state=')
    assertOryError(t, empty, 400, 'security_csrf_violation')
  })

  await t.test('a malformed state', async t => {
    const login = await startLogin(bff)
    for (const state of ['short', `${'a'.repeat(42)}!`, 'a'.repeat(44), '../bff_session']) {
      const response = await callBack(`?code=abc&state=${encodeURIComponent(state)}`, cookieHeader(login.transaction))
      assertOryError(t, response, 400, 'security_csrf_violation')
      noSession(t, response)
    }
  })

  await t.test('a well-formed state with no cookie', async t => {
    const login = await startLogin(bff)
    const path = await authorizeAtEmulator(login.location)
    const response = await callBack(path.slice(path.indexOf('?')))
    const error = assertOryError(t, response, 400, 'security_csrf_violation')
    t.match(error.reason, /No login with this state/)
    noSession(t, response)
    t.equal(bff.emu.ctx.oauth2.tokenCalls.total, 0, 'the code is never exchanged')
  })

  await t.test('another login\'s cookie does not finish this one', async t => {
    const mine = await startLogin(bff)
    const other = await startLogin(bff)
    const path = await authorizeAtEmulator(mine.location)
    const response = await callBack(path.slice(path.indexOf('?')), cookieHeader(other.transaction))
    assertOryError(t, response, 400, 'security_csrf_violation')
    noSession(t, response)
  })

  await t.test('a tampered transaction cookie', async t => {
    const login = await startLogin(bff)
    const [name, value] = Object.entries(login.transaction)[0]!
    const middle = Math.floor(value.length / 2)
    const flipped = `${value.slice(0, middle)}${value[middle] === 'A' ? 'B' : 'A'}${value.slice(middle + 1)}`
    const path = await authorizeAtEmulator(login.location)
    for (const tampered of [flipped, value.slice(0, -5), `${value}x`, 'v1.x.y.z']) {
      const response = await callBack(path.slice(path.indexOf('?')), `${name}=${tampered}`)
      const error = assertOryError(t, response, 400, 'security_csrf_violation')
      t.match(error.reason, /not valid or has expired/)
      t.same(clearedCookies(response), [name], 'the transaction cookie is cleared')
      noSession(t, response)
    }
    t.equal(bff.emu.ctx.oauth2.tokenCalls.total, 0, 'the code is never exchanged')
  })

  await t.test('a callback replayed after the login finished', async t => {
    const login = await startLogin(bff)
    const path = await authorizeAtEmulator(login.location)
    const jar = new BffCookies(login.transaction)
    const first = await callBack(path.slice(path.indexOf('?')), jar.header)
    t.equal(first.statusCode, 302, 'the login finishes')
    t.same(clearedCookies(first), Object.keys(login.transaction), 'the transaction cookie is cleared by the callback')
    jar.apply(first)
    t.same(jar.names(), ['bff_session'], 'the browser keeps the session, not the transaction')
    const calls = bff.emu.ctx.oauth2.tokenCalls.total

    // The browser replays it (back button, reload): its transaction cookie is gone.
    const replay = await callBack(path.slice(path.indexOf('?')), jar.header)
    assertOryError(t, replay, 400, 'security_csrf_violation')
    t.notOk(Object.keys(cookiesOf(replay)).some(name => name.startsWith('bff_session')), 'no new session')
    t.same(clearedCookies(replay), [], 'the session is left alone')
    t.equal(bff.emu.ctx.oauth2.tokenCalls.total, calls, 'the code is not presented again')
    const user = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: jar.header, ...SPA_FETCH } })
    t.equal(user.statusCode, 200, 'the session of the login stays signed in')

    // Replayed with a copy of the transaction cookie taken before the callback cleared it: the cookie alone cannot
    // say it was used, the provider can: a code is good once (RFC 6749 §4.1.2), so no second session.
    const copied = await callBack(path.slice(path.indexOf('?')), cookieHeader(login.transaction))
    t.equal(copied.statusCode, 401, 'the provider refuses the used code')
    t.equal(copied.json().error.id, 'session_inactive')
    t.notOk(Object.keys(cookiesOf(copied)).some(name => name.startsWith('bff_session')), 'no session from a replay')
    t.same(clearedCookies(copied), Object.keys(login.transaction), 'the transaction cookie is cleared again')
  })
  assertNoSecretsLogged(t, bff)
})
