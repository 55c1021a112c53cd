import t from 'tap'
import { SAME_ORIGIN, withEmulator } from '../../helpers/session.js'

// Kratos answers DELETE /sessions/{id} with 204 whatever the id (session/handler.go `deleteMySession`: its
// `RevokeSession` updates only the caller's rows, and says nothing when none matched). So Ory's success does not tell
// whose session the id was: a signed-in user who names someone else's session id, through /api/session/devices or the
// mirror, must not evict what the cache holds for that other user. (Evicting it would cost Ory a whoami per request.)

const env = { SESSION_CACHE_TTL_MS: '3600000' }

t.test('revoking another user\'s session id evicts nothing of theirs', async t => {
  const { app, signIn, whoamiCalls } = await withEmulator(t, env)
  const victim = (await signIn('ada@example.com')).header()
  const attacker = (await signIn('mallory@example.com')).header()
  const victimSession = (await app.inject({ url: '/.ory/sessions/whoami', headers: { cookie: victim, accept: 'application/json' } })).json().id as string
  t.equal((await app.inject({ url: '/api/session', headers: { cookie: victim } })).statusCode, 200)
  t.equal((await app.inject({ url: '/api/session', headers: { cookie: attacker } })).statusCode, 200)
  const calls = whoamiCalls()

  const viaApi = await app.inject({ method: 'DELETE', url: `/api/session/devices/${victimSession}`, headers: { cookie: attacker, ...SAME_ORIGIN } })
  t.equal(viaApi.statusCode, 204, 'Ory says yes')
  t.equal((await app.inject({ url: '/api/session', headers: { cookie: victim } })).statusCode, 200, 'the victim is still signed in')
  t.equal(whoamiCalls(), calls, 'and still answered from the cache')

  const viaMirror = await app.inject({ method: 'DELETE', url: `/.ory/sessions/${victimSession}`, headers: { cookie: attacker, accept: 'application/json', ...SAME_ORIGIN } })
  t.equal(viaMirror.statusCode, 204, 'Ory says yes through the mirror too')
  t.equal((await app.inject({ url: '/api/session', headers: { cookie: victim } })).statusCode, 200)
  t.equal(whoamiCalls(), calls, 'still answered from the cache')
})
