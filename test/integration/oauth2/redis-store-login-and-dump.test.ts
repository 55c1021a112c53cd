import t from 'tap'
import { CLIENT_SECRET, COOKIE_SECRET, TEST_EMAIL, signIn, SPA_FETCH } from '../../helpers/oauth2.js'
import { dumpRedis, startRedisBff } from '../../helpers/oauth2-redis.js'

// TOKEN_STORE=redis: a login leaves the browser a cookie that is only `<session id>.<session key>`, and Redis records
// that hold neither a token nor a claim in the clear: a dump of every key and value gives nothing away.

t.test('with TOKEN_STORE=redis the cookie is a handle and a dump of Redis holds no token and no claim', async t => {
  const bff = await startRedisBff(t)
  const { cookies, cookie, callback } = await signIn(bff)
  t.same(Object.keys(cookies), ['bff_session'], 'the callback sets the session cookie only')
  const value = cookies.bff_session!
  const match = /^([A-Za-z0-9_-]{22,256})\.([A-Za-z0-9_-]{43})$/.exec(value)
  t.ok(match, 'the cookie is <id>.<key>, both base64url')
  t.ok(value.length < 350, 'and short: no token in it')

  const user = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })
  t.equal(user.statusCode, 200)
  t.equal(user.json().claims.email, TEST_EMAIL)

  const oauth2 = bff.emu.ctx.oauth2
  const tokens = [...oauth2.accessTokens.keys(), ...oauth2.refreshTokens.keys()]
  t.ok(tokens.some(token => token.startsWith('ory_at_')) && tokens.some(token => token.startsWith('ory_rt_')), 'the provider issued an access and a refresh token')

  const entries = await dumpRedis(bff.redis.url)
  t.ok(entries.size >= 2, 'the session and its indexes are stored')
  t.ok([...entries.keys()].some(key => key.startsWith('ory-bff:session:')), 'a session record')
  const all = [...entries].map(([key, stored]) => `${key}\n${stored}`).join('\n')
  for (const token of tokens) t.notOk(all.includes(token), 'no access or refresh token in Redis')
  t.notOk(/eyJ[A-Za-z0-9_-]+\.eyJ/.test(all), 'no JWT (the ID token) in Redis')
  t.notOk(all.toLowerCase().includes(TEST_EMAIL), 'no email claim in Redis')
  t.notOk(all.includes('Lovelace'), 'no name claim in Redis')
  t.notOk(all.includes(user.json().sub), 'not even the subject: the indexes are hashed')
  t.notOk(all.includes(match![1]!), 'nor the session id of the cookie')
  t.notOk(all.includes(match![2]!), 'nor the key that opens the record')

  const logs = bff.logs.text()
  for (const secret of [...tokens, CLIENT_SECRET, COOKIE_SECRET, match![2]!]) t.notOk(logs.includes(secret), 'no token or secret in the logs')
  t.notOk(JSON.stringify(callback.headers).includes('ory_'), 'no token reaches the browser')
})
