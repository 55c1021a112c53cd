import t from 'tap'
import { createHash } from 'node:crypto'
import { TokenSessionInvalidError } from '../../../src/oauth2/errors.js'
import { cookiesFrom, redisStore, sampleSession, startRedis } from '../../helpers/redis.js'

// A cookie that names a session Redis no longer has (expired, deleted, logged out elsewhere), that does not hold
// the key of its record, or that is not a session cookie at all: 401 with the cookie cleared, never a 503 and never
// someone else's session.

const CLEAR = ['__Host-bff_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax']

t.test('record gone, wrong key, malformed cookie → 401 with the cookie cleared', async t => {
  const server = await startRedis(t)
  const { store, client } = await redisStore(t, server)
  const session = sampleSession()
  const cookies = cookiesFrom(await store.save(session))
  const loaded = await store.load(cookies)

  const [id] = cookies['__Host-bff_session']!.split('.') as [string, string]
  const otherKey = Buffer.alloc(32, 7).toString('base64url')
  await t.rejects(store.load({ '__Host-bff_session': `${id}.${otherKey}` }), { name: 'TokenSessionInvalidError', statusCode: 401, clearCookies: CLEAR, reason: /does not match/ }, 'a cookie with another key')
  for (const bad of ['', 'garbage', `${id}`, `${id}.short`, `${id}.${otherKey}.x`]) {
    await t.rejects(store.load({ '__Host-bff_session': bad }), { name: 'TokenSessionInvalidError', clearCookies: CLEAR, reason: /malformed/ }, JSON.stringify(bad))
  }

  await client.redis.del(`ory-bff:session:${createHash('sha256').update(session.id).digest('base64url')}`)
  const err = await store.load(cookies).catch((error: unknown) => error)
  t.type(err, TokenSessionInvalidError)
  t.match(err, { statusCode: 401, clearCookies: CLEAR, reason: /ended or expired/ })
  t.equal(await store.reread(loaded!), undefined, 'reread: gone')
  await t.rejects(store.save({ ...session, tokens: { ...session.tokens, accessToken: 'new' } }, loaded), { name: 'TokenSessionInvalidError', clearCookies: CLEAR }, 'a refresh does not bring an ended session back')
  t.equal(await client.redis.dbsize(), 2, 'only the indexes are left')
  t.same(await store.delete(loaded, cookies), CLEAR, 'delete clears the cookie')
  t.same(store.clearCookies(cookies), CLEAR)
})
