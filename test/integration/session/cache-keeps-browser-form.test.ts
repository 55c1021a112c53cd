import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { sessionJson, withUpstream } from '../../helpers/session.js'

// The session cache keeps one copy of a whoami answer: the bytes the browser gets through the mirror, Ory's URLs
// already rewritten. A hit sends those bytes as they are; nothing else is made and kept beside them per body.

t.test('a cached whoami entry is the browser\'s form of the answer, and a hit sends those very bytes', async t => {
  const { app, whoami, upstream } = await withUpstream(t, (_req, res) => json(res, 200, sessionJson(upstream.url)))
  const cookie = 'ory_kratos_session=good'
  const first = await app.inject({ url: '/.ory/sessions/whoami', headers: { cookie, accept: 'application/json' } })
  t.equal(first.statusCode, 200)
  t.notMatch(first.body, upstream.url, 'Ory\'s URLs are rewritten for the browser')

  const entry = await app.sessions.peek(app.sessions.credentials({ cookie })!.key)
  t.ok(entry, 'the answer is cached')
  t.equal(entry!.body.toString('utf8'), first.body, 'what is kept is what the browser got')
  t.equal(entry!.body.byteLength, entry!.body.buffer.byteLength, 'in a buffer of its own, not a view that keeps a larger one alive')

  const second = await app.inject({ url: '/.ory/sessions/whoami', headers: { cookie, accept: 'application/json' } })
  t.equal(whoami().length, 1, 'the second came from the cache')
  t.equal(second.body, first.body)

  const api = await app.inject({ url: '/api/session', headers: { cookie } })
  t.equal(api.statusCode, 200)
  t.notMatch(api.body, upstream.url, '/api/session reads the same form')
})
