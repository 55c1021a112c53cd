import t from 'tap'
import { assertNoSecretsLogged, authorizeAtEmulator, BffCookies, clearedCookies, cookiesOf, PUBLIC_URL, startLogin, startOAuth2Bff } from '../../helpers/oauth2.js'

// The provider ends a login with an error (RFC 6749 §4.1.2.1): here `prompt=none` without a login session at the
// provider, which answers `error=login_required`. The callback sends the browser back to the SPA's return_to with
// the error, never into another login (which would loop), and the login's transaction is gone.

t.test('login_required comes back to return_to with error and error_description', async t => {
  const bff = await startOAuth2Bff(t, { emulator: { oauth2TestIdentity: undefined } })
  t.equal(bff.emu.ctx.oauth2.testIdentity, undefined, 'the emulator has no test identity: nobody is signed in at the provider')

  const returnTo = `${PUBLIC_URL}/#/oauth2?tab=1`
  const login = await startLogin(bff, `?prompt=none&return_to=${encodeURIComponent(returnTo)}`)
  const path = await authorizeAtEmulator(login.location)
  const back = new URL(path, PUBLIC_URL)
  t.equal(back.pathname, '/api/oauth2/callback')
  t.equal(back.searchParams.get('error'), 'login_required', 'the provider answered login_required')
  t.equal(back.searchParams.get('code'), null)

  const jar = new BffCookies(login.transaction)
  const callback = await bff.app.inject({ method: 'GET', url: path, headers: { cookie: jar.header } })
  t.equal(callback.statusCode, 302)
  const target = new URL(callback.headers.location as string)
  t.equal(`${target.origin}${target.pathname}`, `${PUBLIC_URL}/`, 'back to the SPA, not to the provider')
  t.notOk(target.href.includes('/api/oauth2/login'), 'not into another login')
  t.equal(target.searchParams.get('error'), 'login_required')
  t.match(target.searchParams.get('error_description'), /requires End-User authentication/)
  t.equal(target.searchParams.get('state'), null, 'the state is not handed to the SPA')
  t.equal(callback.headers['cache-control'], 'no-store')
  t.same(clearedCookies(callback), Object.keys(login.transaction), 'the transaction cookie is cleared')
  t.same(cookiesOf(callback), {}, 'no session')
  t.equal(bff.emu.ctx.oauth2.tokenCalls.total, 0, 'no token request')
  jar.apply(callback)
  t.same(jar.names(), [], 'the browser holds no cookie of the BFF')

  // The fragment of return_to survives (URL keeps it after the query the error was put in).
  t.equal(target.hash, '#/oauth2?tab=1')
  assertNoSecretsLogged(t, bff)
})

t.test('access_denied with a description that tries to inject: passed as query data only', async t => {
  const bff = await startOAuth2Bff(t, { emulator: { oauth2TestIdentity: undefined } })
  const login = await startLogin(bff)
  const state = login.location.searchParams.get('state')!
  const query = new URLSearchParams({ state, error: 'access_denied', error_description: '"><script>alert(1)</script>&return_to=https://evil.example/' })
  const callback = await bff.app.inject({ method: 'GET', url: `/api/oauth2/callback?${query.toString()}`, headers: { cookie: new BffCookies(login.transaction).header } })
  t.equal(callback.statusCode, 302)
  const target = new URL(callback.headers.location as string)
  t.equal(target.origin, PUBLIC_URL, 'still the SPA\'s origin')
  t.equal(target.searchParams.get('error'), 'access_denied')
  t.equal(target.searchParams.get('error_description'), '"><script>alert(1)</script>&return_to=https://evil.example/', 'one encoded parameter')
  t.equal(target.searchParams.get('return_to'), null)
})
