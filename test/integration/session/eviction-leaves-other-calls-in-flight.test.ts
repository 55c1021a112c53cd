import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { SAME_ORIGIN, sessionJson, withUpstream } from '../../helpers/session.js'

// An eviction ends what it names and nothing else: a logout with a made-up cookie, made while another user's whoami
// call is in flight, neither stops that answer from being cached nor makes later checks of that user call Ory again.

t.test('a refused logout with another cookie leaves a call in flight to be cached', async t => {
  let release!: () => void
  let arrived!: () => void
  const held = new Promise<void>(resolve => { release = resolve })
  const whoamiArrived = new Promise<void>(resolve => { arrived = resolve })
  const { app, whoami, upstream } = await withUpstream(t, async (req, res) => {
    if (req.url.startsWith('/sessions/whoami')) {
      arrived()
      await held
      return json(res, 200, sessionJson(upstream.url))
    }
    // Ory's answer to the made-up cookie's logout: no session.
    json(res, 401, { error: { code: 401, status: 'Unauthorized', id: 'session_inactive', message: 'No active session was found in this request.' } })
  }, { SESSION_CACHE_TTL_MS: '60000' })
  const user = { cookie: 'ory_kratos_session=real' }

  const first = app.inject({ url: '/api/session', headers: user })
  await whoamiArrived
  const logout = await app.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie: 'ory_kratos_session=made-up', ...SAME_ORIGIN } })
  t.equal(logout.statusCode, 204)
  release()
  t.equal((await first).statusCode, 200)

  t.equal((await app.inject({ url: '/api/session', headers: user })).statusCode, 200)
  t.equal(whoami().length, 1, 'the user\'s answer was cached: one call to Ory')
})
