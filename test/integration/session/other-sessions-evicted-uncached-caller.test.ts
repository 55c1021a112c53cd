import t from 'tap'
import { CookieJar, signInBrowser } from '../../helpers/emulator.js'
import { withEmulator } from '../../helpers/session.js'

// "Log out my other sessions" through the mirror (DELETE /.ory/sessions) evicts the identity's other cached sessions
// even when the caller's own session is not in the cache: a stolen session must not go on being answered 200 from
// the cache until its TTL runs out. The TTL is an hour and the clock stands still.

t.test('disableMyOtherSessions evicts the other sessions when the caller\'s own is not cached', async t => {
  const { app, signIn, client, whoamiCalls } = await withEmulator(t, { SESSION_CACHE_TTL_MS: '3600000' })
  const mine = (await signIn('eve@example.com')).header()
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'eve@example.com')
  const stolen = jar.header()
  t.equal((await app.inject({ url: '/api/session', headers: { cookie: stolen } })).statusCode, 200, 'the other session is cached')

  const done = await app.inject({ method: 'DELETE', url: '/.ory/sessions', headers: { cookie: mine, accept: 'application/json' } })
  t.equal(done.statusCode, 200)

  const calls = whoamiCalls()
  t.equal((await app.inject({ url: '/api/session', headers: { cookie: stolen } })).statusCode, 401, 'the other session is gone')
  t.equal(whoamiCalls(), calls + 1, 'its check missed the cache and asked Ory')
})
