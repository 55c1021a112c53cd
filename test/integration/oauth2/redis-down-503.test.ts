import t from 'tap'
import { signIn, SPA_FETCH } from '../../helpers/oauth2.js'
import { restoreRedis, snapshotRedis, startRedisBff, until } from '../../helpers/oauth2-redis.js'
import { json, startUpstream } from '../../helpers/upstream.js'

// Redis going away is an outage of ours, not the end of anyone's session: while it is down the OAuth2 routes and the
// API proxy answer 503 in Ory's error shape, never 401 and never with cookies cleared, and readiness stays ready (every
// replica shares the one Redis: taking them all out of rotation would end what needs no Redis too) while naming the
// token store among the degraded features; once it is back (with its data, as a persisted Redis restarts) the same cookie works again, unattended.

t.test('Redis down: 503 without signing anyone out, ready but degraded; Redis back: 200 and not degraded', async t => {
  const api = await startUpstream((req, res) => json(res, 200, { authorization: req.headers.authorization ?? null }))
  t.teardown(api.close)
  const bff = await startRedisBff(t, { env: { API_ROUTES: JSON.stringify({ orders: { url: api.url, methods: ['GET'], token: 'oauth2' } }) } })
  const { app } = bff
  const { cookie } = await signIn(bff)
  const user = async (): Promise<Awaited<ReturnType<typeof app.inject>>> => await app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })
  const proxied = async (): Promise<Awaited<ReturnType<typeof app.inject>>> => await app.inject({ method: 'GET', url: '/api/proxy/orders/list', headers: { cookie, ...SPA_FETCH } })

  t.equal((await user()).statusCode, 200, 'signed in')
  const before = await proxied()
  t.equal(before.statusCode, 200)
  t.match(before.json().authorization, /^Bearer ory_at_/, 'the API gets the access token')
  const up = await app.readiness.refresh()
  t.equal(up.ready, true, 'ready')
  t.equal(up.degraded, undefined, 'nothing degraded')

  const snapshot = await snapshotRedis(bff.redis.url)
  await bff.redis.kill()

  for (const [name, call] of [['/api/oauth2/user', user], ['the API proxy', proxied]] as const) {
    const down = await call()
    t.equal(down.statusCode, 503, `${name}: 503 while Redis is down`)
    t.equal(down.headers['set-cookie'], undefined, `${name}: no cookie is cleared`)
    const { error } = down.json()
    t.match(error, { code: 503, status: 'Service Unavailable', message: String, reason: /session store/, request: down.headers['x-request-id'] }, `${name}: Ory's error shape`)
  }
  t.equal(api.requests.length, 1, 'the API was not called without a token')

  // Readiness probes again on each change it is told of (the connection, the fan-out's subscription).
  await until('readiness lists what is degraded', async () => (await app.readiness.refresh()).degraded?.length === 4, { attempts: 100, intervalMs: 20 })
  const state = await app.readiness.refresh()
  t.equal(state.ready, true, 'still ready: what needs no Redis works')
  t.match(state.degraded, [/^redis:/, /^session-cache:/, /^oauth2-tokens: the token store \(Redis\)/, /^rate-limits:/], 'the token store is listed as degraded')
  const ready = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ok', degraded: state.degraded, redis: { connected: false } })

  await bff.redis.restart()
  await restoreRedis(bff.redis.url, snapshot)
  // The BFF's client reconnects in the background, with a backoff of at most about two seconds.
  await until('nothing is degraded any more', async () => (await app.readiness.refresh()).degraded === undefined, { attempts: 100, intervalMs: 100 })
  const again = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(again.statusCode, 200, 'ready')
  t.match(again.json(), { status: 'ok', redis: { connected: true, latency_ms: Number } }, 'Redis is back')
  t.equal(again.json().degraded, undefined)
  const back = await user()
  t.equal(back.statusCode, 200, '/api/oauth2/user: 200 again with the same cookie')
  t.equal(back.headers['set-cookie'], undefined)
  const after = await proxied()
  t.equal(after.statusCode, 200, 'the API proxy: 200 again')
  t.equal(after.json().authorization, before.json().authorization, 'with the same access token')

  const tokens = [...bff.emu.ctx.oauth2.accessTokens.keys(), ...bff.emu.ctx.oauth2.refreshTokens.keys()]
  const logs = bff.logs.text()
  t.match(logs, /The Redis connection was lost|Redis is unreachable/, 'the outage is logged')
  for (const token of tokens) t.notOk(logs.includes(token), 'no token in the logs')
})
