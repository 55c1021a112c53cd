import t from 'tap'
import { InProcessSessionStore, type SessionEntry } from '../../../src/session/cache.js'
import { sessionCredentials, tokenCredentials } from '../../../src/session/key.js'

// The in-process store: bounded (least recently used goes first), entries dropped at expiresAt, and every key of a
// session or of an identity found for eviction. The key: a hash of the session credentials and of nothing else.

function entry (sessionId: string, identityId: string, expiresAt = Number.POSITIVE_INFINITY): SessionEntry {
  return { sessionId, identityId, body: Buffer.from('{}'), contentType: 'application/json', expiresAt }
}

t.test('LRU: the least recently used entry goes when the store is full', async t => {
  const store = new InProcessSessionStore({ max: 2, maxBytes: 1 << 20, now: () => 0 })
  store.set('a', entry('s1', 'i1'))
  store.set('b', entry('s2', 'i1'))
  t.ok(store.get('a', 0), 'a is now the most recently used')
  store.set('c', entry('s3', 'i2'))
  t.equal(store.size, 2)
  t.equal(store.get('b', 0), undefined, 'b went')
  t.ok(store.get('a', 0))
  t.ok(store.get('c', 0))
  t.throws(() => new InProcessSessionStore({ max: 0, maxBytes: 1 << 20, now: () => 0 }))
})

t.test('entries are dropped at expiresAt', async t => {
  const store = new InProcessSessionStore({ max: 10, maxBytes: 1 << 20, now: () => 0 })
  store.set('a', entry('s1', 'i1', 1_000))
  t.ok(store.get('a', 999))
  t.equal(store.get('a', 1_000), undefined)
  t.equal(store.size, 0)
})

t.test('deleteSession and deleteIdentity find every key', async t => {
  const store = new InProcessSessionStore({ max: 10, maxBytes: 1 << 20, now: () => 0 })
  store.set('k1', entry('s1', 'i1'))
  store.set('k1-reissued', entry('s1', 'i1'))
  store.set('k2', entry('s2', 'i1'))
  store.set('k3', entry('s3', 'i2'))
  store.deleteSession('s1')
  t.same(['k1', 'k1-reissued', 'k2', 'k3'].map(key => store.get(key, 0) !== undefined), [false, false, true, true])
  store.set('k4', entry('s4', 'i1'))
  store.deleteIdentity('i1', 'k4')
  t.same(['k2', 'k3', 'k4'].map(key => store.get(key, 0) !== undefined), [false, true, true])
  // A revocation by id held to its owner: only that identity's entries of the session go.
  store.set('k6', entry('s6', 'i5'))
  store.deleteSession('s6', 'i6')
  t.ok(store.get('k6', 0), 'not the owner: kept')
  store.deleteSession('s6', 'i5')
  t.notOk(store.get('k6', 0), 'the owner: gone')
  // Overwriting a key moves it between indexes.
  store.set('k3', entry('s5', 'i3'))
  store.deleteIdentity('i2')
  t.ok(store.get('k3', 0))
})

t.test('the key depends on the session cookies and token only', async t => {
  const key = (cookie: string | undefined, token?: string): string | undefined =>
    sessionCredentials({ ...(cookie === undefined ? {} : { cookie }), ...(token === undefined ? {} : { 'x-session-token': token }) })?.key
  const base = key('ory_kratos_session=abc')
  t.ok(base)
  t.equal(key('theme=dark; ory_kratos_session=abc; csrf_token_x=1; _ga=2'), base, 'other cookies do not change it')
  t.not(key('ory_kratos_session=abd'), base)
  t.not(key('ory_session_slug=abc'), base, 'the cookie name counts')
  t.equal(key('theme=dark; csrf_token_x=1'), undefined, 'no session cookie, no key')
  t.not(key(undefined, 'abc'), base)
  t.equal(key(undefined, 'abc'), tokenCredentials('abc').key)
  t.not(key('ory_kratos_session=abc', 'tok'), base, 'token and cookie together are a key of their own')
  t.notMatch(base!, /abc/, 'the credentials are hashed')
})
