import t from 'tap'
import { decodeJwt } from 'jose'
import { withProxy } from '../../helpers/proxy.js'

// An SPA's burst of API calls costs Ory one tokenization per session: concurrent calls share one toSession call,
// later ones use the JWT until shortly before its exp; two users never get each other's JWT.

t.test('50 concurrent calls of one session: exactly one tokenization, the same JWT for all', async t => {
  const { app, ory, api } = await withProxy(t)
  const cookie = ory.signIn('ada')
  const answers = await Promise.all(Array.from({ length: 50 }, async (_, i) => await app.inject({ method: 'GET', url: `/api/proxy/orders/${i}`, headers: { cookie, 'x-csrf': '1' } })))
  t.same(answers.map(res => res.statusCode), Array(50).fill(200))
  t.equal(ory.tokenizations().length, 1)
  t.equal(new Set(api.requests.map(req => req.headers.authorization)).size, 1)
  t.equal(api.requests[0]!.headers.authorization, `Bearer ${ory.issued[0]}`)

  const later = await app.inject({ method: 'GET', url: '/api/proxy/orders/later', headers: { cookie, 'x-csrf': '1' } })
  t.equal(later.statusCode, 200)
  t.equal(ory.tokenizations().length, 1, 'the cached JWT serves later calls')
})

t.test('two users at once: one tokenization each, each call with its own user\'s JWT', async t => {
  const { app, ory, api } = await withProxy(t)
  const users = [ory.signIn('ada'), ory.signIn('bob')]
  await Promise.all(Array.from({ length: 40 }, async (_, i) => await app.inject({ method: 'GET', url: `/api/proxy/orders/${i % 2}`, headers: { cookie: users[i % 2]!, 'x-csrf': '1' } })))
  t.equal(ory.tokenizations().length, 2)
  const sids = new Map<string, Set<string>>()
  for (const req of api.requests) {
    const claims = decodeJwt(String(req.headers.authorization).replace(/^Bearer /, ''))
    const set = sids.get(req.url) ?? new Set()
    set.add(String(claims.sid))
    sids.set(req.url, set)
  }
  t.equal(sids.get('/v1/0')?.size, 1)
  t.equal(sids.get('/v1/1')?.size, 1)
  t.not([...sids.get('/v1/0')!][0], [...sids.get('/v1/1')!][0])
})

t.test('SESSION_CACHE_TTL_MS=0: nothing kept, every call tokenizes', async t => {
  const { app, ory } = await withProxy(t, { env: { SESSION_CACHE_TTL_MS: '0' } })
  const cookie = ory.signIn('ada')
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/api/proxy/orders/x', headers: { cookie, 'x-csrf': '1' } })).statusCode, 200)
  t.equal(ory.tokenizations().length, 3)
})
