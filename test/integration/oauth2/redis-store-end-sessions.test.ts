import t from 'tap'
import { cookiesFrom, redisStore, sampleSession, startRedis } from '../../helpers/redis.js'

// Back-channel logout: the sessions of a provider session (sid) or of a user (sub) are deleted; the next request of
// each gets a 401 with its cookies cleared, while other users' sessions stay.

t.test('endSessions by sid and by sub', async t => {
  const server = await startRedis(t)
  const { store } = await redisStore(t, server)
  const a1 = sampleSession({ sub: 'alice', sid: 'sid-a1' })
  const a2 = sampleSession({ sub: 'alice', sid: 'sid-a2' })
  const a3 = sampleSession({ sub: 'alice', sid: 'sid-a2' })
  const b1 = sampleSession({ sub: 'bob', sid: 'sid-b1' })
  const cookies = new Map<string, Record<string, string>>()
  for (const session of [a1, a2, a3, b1]) cookies.set(session.id, cookiesFrom(await store.save(session)))
  const alive = async (id: string): Promise<boolean> => await store.load(cookies.get(id)!).then(() => true, (err: Error) => {
    if (err.name !== 'TokenSessionInvalidError') throw err
    return false
  })

  t.equal(await store.endSessions({ sid: 'sid-a2' }), 2, 'both sessions of sid-a2')
  t.same([await alive(a1.id), await alive(a2.id), await alive(a3.id), await alive(b1.id)], [true, false, false, true])
  t.equal(await store.endSessions({ sid: 'sid-a2' }), 0, 'again: none left')
  t.equal(await store.endSessions({ sid: 'sid-b1', sub: 'alice' }), 0, 'sid and sub together: only that user\'s')
  t.ok(await alive(b1.id))

  t.equal(await store.endSessions({ sub: 'alice' }), 1, 'the rest of alice\'s')
  t.same([await alive(a1.id), await alive(b1.id)], [false, true])
  t.equal(await store.endSessions({ sub: 'bob', sid: 'sid-b1' }), 1)
  t.notOk(await alive(b1.id))
  t.equal(await store.endSessions({ sub: 'nobody' }), 0)
  await t.rejects(store.endSessions({}), TypeError)
})
