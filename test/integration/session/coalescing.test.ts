import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { body, sessionJson, withUpstream } from '../../helpers/session.js'

// 100 concurrent checks of one session make one call to Ory: the first starts it, the others wait for its answer.
// The stand-in holds its answer until all 100 checks have reached the checker, so that none can arrive late.

const CONCURRENT = 100

t.test('100 concurrent checks of one session → 1 upstream whoami', async t => {
  let release!: () => void
  const released = new Promise<void>(resolve => { release = resolve })
  const { app, whoami, upstream } = await withUpstream(t, async (req, res) => {
    await released
    json(res, 200, sessionJson(upstream.url))
  })
  const sessions = app.sessions
  const lookup = sessions.lookup.bind(sessions)
  let arrived = 0
  sessions.lookup = async (credentials, client) => {
    if (++arrived === CONCURRENT) release()
    return await lookup(credentials, client)
  }

  const headers = { cookie: 'ory_kratos_session=abc; csrf_token_1=x', accept: 'application/json' }
  const answers = await Promise.all(Array.from({ length: CONCURRENT }, async (_, i) =>
    await app.inject({ method: 'GET', url: i % 2 === 0 ? '/api/session' : '/.ory/sessions/whoami', headers })))
  t.equal(arrived, CONCURRENT)
  t.equal(whoami().length, 1, 'one call to Ory')
  t.same(new Set(answers.map(res => res.statusCode)), new Set([200]))
  t.same(new Set(answers.map(res => body(res).identity.id)), new Set(['0c8b3e2e-6c9f-4f0a-8d65-2f3f6d2d8a11']))
  t.equal(whoami()[0]!.headers.cookie, 'ory_kratos_session=abc', 'only the session cookie went to Ory')
})

t.test('concurrent checks of different sessions are not coalesced', async t => {
  const { app, whoami, upstream } = await withUpstream(t, (req, res) => {
    const id = /ory_kratos_session=(\w+)/.exec(String(req.headers.cookie))![1]!
    json(res, 200, sessionJson(upstream.url, { identityId: `00000000-0000-4000-8000-0000000000${id}` }))
  })
  const answers = await Promise.all(['10', '11', '12', '10', '11', '12'].map(async id =>
    await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: `ory_kratos_session=${id}` } }).then(res => [id, body(res).identity.id])))
  for (const [id, identity] of answers) t.equal(identity, `00000000-0000-4000-8000-0000000000${id}`)
  t.equal(whoami().length, 3, 'one call per session')
})

t.test('Ory\'s 401 is shared by the checks waiting for it, and not kept after', async t => {
  let release!: () => void
  let released = new Promise<void>(resolve => { release = resolve })
  const { app, whoami } = await withUpstream(t, async (_req, res) => {
    await released
    // Kratos's whoami 401 (session/handler.go `whoami`, session/error.go `ErrNoSessionFound`): no error id.
    json(res, 401, { error: { code: 401, status: 'Unauthorized', reason: 'No valid session credentials found in the request.', message: 'The request could not be authorized' } })
  })
  const sessions = app.sessions
  const lookup = sessions.lookup.bind(sessions)
  let arrived = 0
  sessions.lookup = async (credentials, client) => {
    if (++arrived === 10) release()
    return await lookup(credentials, client)
  }
  const headers = { cookie: 'ory_kratos_session=revoked' }
  const statuses = (await Promise.all(Array.from({ length: 10 }, async () => await app.inject({ method: 'GET', url: '/api/session', headers })))).map(res => res.statusCode)
  t.same(new Set(statuses), new Set([401]))
  t.equal(whoami().length, 1, 'ten concurrent checks, one call')
  released = Promise.resolve()
  const again = await app.inject({ method: 'GET', url: '/api/session', headers })
  t.equal(again.statusCode, 401)
  t.equal(whoami().length, 2, 'the 401 was not cached: the next check asks Ory again')
})
