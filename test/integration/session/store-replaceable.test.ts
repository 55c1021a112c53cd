import t from 'tap'
import { InProcessSessionStore, type SessionEntry, type SessionStore } from '../../../src/session/cache.js'
import { SAME_ORIGIN, withEmulator } from '../../helpers/session.js'

// A store of the caller's replaces the in-process one (a shared store for several replicas): asynchronous methods
// work, positive answers go into it, and a logout deletes from it.

class AsyncStore implements SessionStore {
  readonly inner = new InProcessSessionStore({ max: 100, maxBytes: 1 << 20 })
  readonly log: string[] = []
  async get (key: string, now: number): Promise<SessionEntry | undefined> {
    this.log.push('get')
    return this.inner.get(key, now)
  }

  async set (key: string, entry: SessionEntry): Promise<void> {
    this.log.push('set')
    this.inner.set(key, entry)
  }

  async delete (key: string): Promise<void> {
    this.log.push('delete')
    this.inner.delete(key)
  }

  async deleteSession (sessionId: string): Promise<void> {
    this.log.push('deleteSession')
    this.inner.deleteSession(sessionId)
  }

  async deleteIdentity (identityId: string, exceptKey?: string): Promise<void> {
    this.log.push('deleteIdentity')
    this.inner.deleteIdentity(identityId, exceptKey)
  }

  async clear (): Promise<void> {
    this.log.push('clear')
    this.inner.clear()
  }
}

t.test('an asynchronous store of the caller\'s is used for hits, fills and evictions', async t => {
  const store = new AsyncStore()
  const { app, signIn, whoamiCalls } = await withEmulator(t, {}, store)
  const cookie = (await signIn('ada@example.com')).header()
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/api/session', headers: { cookie } })).statusCode, 200)
  t.equal(whoamiCalls(), 1)
  t.equal(store.inner.size, 1)
  t.ok(store.log.includes('set'))
  t.equal((await app.inject({ method: 'POST', url: '/api/session/logout', headers: { cookie, ...SAME_ORIGIN } })).statusCode, 204)
  t.ok(store.log.includes('delete') && store.log.includes('deleteSession'))
  t.equal(store.inner.size, 0)
  t.equal((await app.inject({ url: '/api/session', headers: { cookie } })).statusCode, 401)
})
