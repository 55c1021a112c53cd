import t from 'tap'
import { createHash } from 'node:crypto'
import { cookiesFrom, dump, redisStore, sampleSession, startRedis } from '../../helpers/redis.js'

// A session saved in Redis loads back from the cookie alone, and a dump of Redis gives nothing away: no token, no
// claim, not even the session id the cookie carries (the record's key is its hash), only ciphertext.

t.test('save, load, and a Redis dump that holds no token, claim or session id', async t => {
  const server = await startRedis(t)
  const { store, client } = await redisStore(t, server)
  const session = sampleSession({}, 7200)
  const lines = await store.save(session)
  t.equal(lines.length, 1)
  t.match(lines[0], /^__Host-bff_session=[A-Za-z0-9_-]{22,}\.[A-Za-z0-9_-]{43}; Max-Age=(7199|7200); Path=\/; HttpOnly; Secure; SameSite=Lax$/)
  const cookies = cookiesFrom(lines)
  const loaded = await store.load(cookies)
  t.same(loaded?.session, session)
  t.equal(await store.load({}), undefined, 'no cookie: no session')

  const all = await dump(client)
  t.same([...all.keys()].map(key => key.replace(/:[A-Za-z0-9_-]{43}$/, ':<hash>')).sort(), ['ory-bff:session:<hash>', 'ory-bff:sid:<hash>', 'ory-bff:sub:<hash>'])
  const secrets = [session.id, cookies['__Host-bff_session']!.split('.')[1]!, session.sub, session.sid!, 'someone@example.com',
    session.tokens.accessToken, session.tokens.refreshToken!, session.tokens.idToken!, 'ACCESS-TOKEN', 'REFRESH-TOKEN', 'ID-TOKEN']
  for (const [key, value] of all) {
    for (const secret of secrets) {
      t.notOk(key.includes(secret), `the key ${key} does not hold ${secret.slice(0, 12)}…`)
      t.notOk(value.includes(secret), `the value of ${key} does not hold ${secret.slice(0, 12)}…`)
    }
  }
  const record = `ory-bff:session:${createHash('sha256').update(session.id).digest('base64url')}`
  const ttl = await client.redis.ttl(record)
  t.ok(ttl > 7190 && ttl <= 7200, `the record's TTL follows expiresAt (${ttl})`)
  t.ok(await client.redis.ttl(`ory-bff:sub:${createHash('sha256').update(session.sub).digest('base64url')}`) >= ttl - 1, 'the index lives as long')

  // A refresh keeps the cookie's id and key; the record is rewritten.
  const next = { ...session, tokens: { ...session.tokens, accessToken: 'ACCESS-TOKEN-refreshed-secret' }, expiresAt: session.expiresAt + 3600 }
  const again = await store.save(next, loaded)
  t.equal(cookiesFrom(again)['__Host-bff_session'], cookies['__Host-bff_session'], 'the same cookie')
  t.match(again[0], /Max-Age=(10799|10800);/, 'its Max-Age follows the session')
  t.same((await store.load(cookies))?.session, next)
  t.same(await store.reread(loaded!), next, 'reread gives the record as it is now')
})
