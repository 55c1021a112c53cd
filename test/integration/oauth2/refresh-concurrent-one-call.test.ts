import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { assertNoSecretsLogged, BffCookies, cookiesOf, signIn, SPA_FETCH, startOAuth2Bff, testClock } from '../../helpers/oauth2.js'
import { startUpstream } from '../../helpers/upstream.js'

// Many requests find the session due at once (the SPA's parallel fetches): exactly one refresh token request, every
// answer 200 with the same new cookie. A request that still carries the old cookie afterwards uses the refreshed
// session instead of presenting the rotated refresh token again, which the provider would take for theft and answer
// by revoking the whole token family.

const TTL = 120

t.test('concurrent requests on a due session share one refresh', async t => {
  const clock = testClock()
  const api = await startUpstream((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok') })
  t.teardown(api.close)
  const bff = await startOAuth2Bff(t, {
    now: clock.now,
    emulator: { oauth2AccessTokenTtlSeconds: TTL },
    env: { API_ROUTES: JSON.stringify({ orders: { url: `${api.url}/v1`, methods: ['GET'], token: 'oauth2' } }) }
  })
  const oauth2 = bff.emu.ctx.oauth2
  const refreshes = (): number => oauth2.tokenCalls.byGrantType.refresh_token ?? 0
  const jar = new BffCookies((await signIn(bff)).cookies)

  for (const count of [2, 5, 50]) {
    await t.test(`${count} at once`, async t => {
      clock.advance(TTL + 1)
      const before = refreshes()
      const apiBefore = api.requests.length
      const old = jar.header
      const responses: LightMyRequestResponse[] = await Promise.all(Array.from({ length: count }, async (_, i) =>
        await bff.app.inject({ method: 'GET', url: i % 2 === 0 ? '/api/oauth2/user' : `/api/proxy/orders/items/${i}`, headers: { cookie: old, ...SPA_FETCH } })))
      t.equal(refreshes(), before + 1, 'exactly one refresh token request')
      t.same(responses.map(r => r.statusCode), responses.map(() => 200), 'every answer 200')
      const cookies = new Set(responses.map(r => cookiesOf(r).bff_session))
      t.equal(cookies.size, 1, 'every answer carries the same new cookie')
      t.notOk(cookies.has(undefined), 'and every answer has one')
      const bearers = new Set(api.requests.slice(apiBefore).map(r => r.headers.authorization))
      t.equal(bearers.size, 1, 'the API got one access token')
      const [bearer] = [...bearers]
      t.ok(oauth2.accessTokens.has(String(bearer).replace(/^Bearer /, '')), 'the newly issued one')
      jar.apply(responses[0]!)

      // A request sent before the browser stored the new cookie.
      const late = await bff.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie: old, ...SPA_FETCH } })
      t.equal(late.statusCode, 200, 'the old cookie still works')
      t.equal(refreshes(), before + 1, 'no second refresh')
      t.equal(cookiesOf(late).bff_session, jar.cookies.bff_session, 'it is handed the new cookie')
      t.notOk([...oauth2.families.values()].some(family => family.revoked), 'no reuse detected: the family is not revoked')
      const token = String(bearer).replace(/^Bearer /, '')
      const userinfo = await fetch(`${bff.emu.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })
      t.equal(userinfo.status, 200, 'the new access token works at the provider')
    })
  }
  assertNoSecretsLogged(t, bff, Object.values(jar.cookies))
})
