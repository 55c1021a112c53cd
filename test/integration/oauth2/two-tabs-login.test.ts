import t from 'tap'
import { MAX_TRANSACTIONS } from '../../../src/oauth2/transaction.js'
import {
  assertNoSecretsLogged, authorizeAtEmulator, BffCookies, clearedCookies, cookiesOf, PUBLIC_URL, SPA_FETCH, startOAuth2Bff, testClock
} from '../../helpers/oauth2.js'

// Each login in progress has a cookie of its own, named after its state: logins started in several tabs do not
// overwrite each other, and their callbacks may come back in any order. Abandoned ones are bounded: beyond
// MAX_TRANSACTIONS the oldest are cleared.

t.test('two logins started together both finish, in reverse order', async t => {
  const bff = await startOAuth2Bff(t)
  const jar = new BffCookies()
  const login = async (returnTo: string): Promise<{ state: string, path: string }> => {
    const response = await bff.app.inject({ method: 'GET', url: `/api/oauth2/login?return_to=${encodeURIComponent(returnTo)}`, headers: { cookie: jar.header } })
    t.equal(response.statusCode, 302)
    jar.apply(response)
    const location = new URL(response.headers.location as string)
    return { state: location.searchParams.get('state')!, path: await authorizeAtEmulator(location) }
  }
  const first = await login(`${PUBLIC_URL}/#/first`)
  const second = await login(`${PUBLIC_URL}/#/second`)
  t.not(first.state, second.state)
  t.same(jar.names(), [`bff_oauth2_${first.state}`, `bff_oauth2_${second.state}`].sort(), 'one cookie per login')

  const secondBack = await bff.app.inject({ method: 'GET', url: second.path, headers: { cookie: jar.header } })
  t.equal(secondBack.statusCode, 302, 'the later login finishes first')
  t.equal(secondBack.headers.location, `${PUBLIC_URL}/#/second`)
  t.same(clearedCookies(secondBack), [`bff_oauth2_${second.state}`], 'only its own transaction is cleared')
  jar.apply(secondBack)
  const sessionOfSecond = jar.cookies.bff_session

  const firstBack = await bff.app.inject({ method: 'GET', url: first.path, headers: { cookie: jar.header } })
  t.equal(firstBack.statusCode, 302, 'the earlier login finishes too')
  t.equal(firstBack.headers.location, `${PUBLIC_URL}/#/first`)
  t.same(clearedCookies(firstBack), [`bff_oauth2_${first.state}`])
  jar.apply(firstBack)
  t.same(jar.names(), ['bff_session'], 'no transaction left, one session')
  t.not(jar.cookies.bff_session, sessionOfSecond, 'the last callback\'s session replaced the other')

  const user = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: jar.header, ...SPA_FETCH } })
  t.equal(user.statusCode, 200)
  assertNoSecretsLogged(t, bff)
})

t.test(`more than ${MAX_TRANSACTIONS} logins: the oldest transaction cookies are cleared`, async t => {
  const clock = testClock()
  const bff = await startOAuth2Bff(t, { now: clock.now })
  const jar = new BffCookies()
  const states: string[] = []
  const sizes: number[] = []
  for (let i = 0; i < MAX_TRANSACTIONS + 4; i++) {
    clock.advance(1)
    const response = await bff.app.inject({ method: 'GET', url: '/api/oauth2/login', headers: { cookie: jar.header } })
    t.equal(response.statusCode, 302)
    const state = new URL(response.headers.location as string).searchParams.get('state')!
    states.push(state)
    const cleared = clearedCookies(response)
    if (i < MAX_TRANSACTIONS) {
      t.same(cleared, [], `login ${i + 1}: nothing dropped`)
    } else {
      t.same(cleared, [`bff_oauth2_${states[i - MAX_TRANSACTIONS]}`], `login ${i + 1}: the oldest is dropped (Max-Age=0)`)
    }
    t.same(Object.keys(cookiesOf(response)), [`bff_oauth2_${state}`], 'the new login\'s cookie is set')
    jar.apply(response)
    sizes.push(jar.header.length)
    t.ok(jar.names().length <= MAX_TRANSACTIONS, `at most ${MAX_TRANSACTIONS} transactions are kept`)
  }
  t.same(jar.names(), states.slice(-MAX_TRANSACTIONS).map(state => `bff_oauth2_${state}`).sort(), 'the newest remain')
  t.equal(Math.max(...sizes.slice(MAX_TRANSACTIONS - 1)), Math.min(...sizes.slice(MAX_TRANSACTIONS - 1)), 'the Cookie header stops growing')

  // A dropped login can no longer finish; a kept one can.
  const dropped = await bff.app.inject({ method: 'GET', url: `/api/oauth2/callback?code=x&state=${states[0]!}`, headers: { cookie: jar.header } })
  t.equal(dropped.statusCode, 400)
  t.equal(dropped.json().error.id, 'security_csrf_violation')
})
