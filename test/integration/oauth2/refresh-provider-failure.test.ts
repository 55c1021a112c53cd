import t from 'tap'
import type { ServerResponse } from 'node:http'
import { assertNoSecretsLogged, assertOryError, signIn, SPA_FETCH, startOAuth2Bff, startOAuth2Emulator, testClock, type OAuth2Bff } from '../../helpers/oauth2.js'
import { startUpstream } from '../../helpers/upstream.js'

// The provider fails a refresh (500, or no answer within UPSTREAM_TIMEOUT_MS): 502 or 504 in Ory's shape, and the
// user stays signed in: the session is not deleted, no cookie is cleared, and once the provider is back the same
// cookie refreshes and works. Only the provider refusing the refresh token ends a session.
//
// The provider is the emulator behind a forwarding server of the test's, which is its public URL (the issuer): the
// switch `mode` breaks only the token endpoint.

const TTL = 120
const HOP = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive', 'host', 'content-encoding'])

t.test('a failing token endpoint is a 502 or 504, and the session survives it', async t => {
  let mode: 'pass' | 'error' | 'hang' = 'pass'
  let target = ''
  const hanging: ServerResponse[] = []
  const front = await startUpstream(async (req, res) => {
    if (req.url.startsWith('/oauth2/token') && mode === 'error') {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: 'server_error', error_description: 'The authorization server encountered an unexpected condition.' }))
      return
    }
    if (req.url.startsWith('/oauth2/token') && mode === 'hang') {
      hanging.push(res)
      return
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP.has(name)).map(([name, value]) => [name, String(value)]))
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body, redirect: 'manual' })
    const body = Buffer.from(await answer.arrayBuffer())
    res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([name]) => !HOP.has(name))))
    res.end(body)
  })
  t.teardown(front.close)
  const emu = await startOAuth2Emulator(t, { baseUrl: front.url, oauth2AccessTokenTtlSeconds: TTL })
  target = emu.url
  const clock = testClock()
  const bff = await startOAuth2Bff(t, { emu, now: clock.now, env: { ORY_URL: front.url } })
  const impatient = await startOAuth2Bff(t, { emu, now: clock.now, env: { ORY_URL: front.url, UPSTREAM_TIMEOUT_MS: '300' } })
  const refreshes = (): number => emu.ctx.oauth2.tokenCalls.byGrantType.refresh_token ?? 0
  const { cookie, cookies } = await signIn(bff)
  const user = async (on: OAuth2Bff): Promise<Awaited<ReturnType<OAuth2Bff['app']['inject']>>> =>
    await on.app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })
  clock.advance(TTL + 1)

  await t.test('500 at the token endpoint: 502', async t => {
    mode = 'error'
    const response = await user(bff)
    const error = assertOryError(t, response, 502)
    t.match(error.message, /token request/)
    t.equal(response.headers['set-cookie'], undefined, 'no cookie cleared, none set')
    t.equal(refreshes(), 0, 'the emulator never saw the refresh')
  })

  await t.test('no answer within UPSTREAM_TIMEOUT_MS: 504', async t => {
    mode = 'hang'
    const started = Date.now()
    const response = await user(impatient)
    assertOryError(t, response, 504)
    t.ok(hanging.length >= 1, 'the request reached the token endpoint')
    t.ok(Date.now() - started < 5_000, 'answered after the timeout, not later')
    t.equal(response.headers['set-cookie'], undefined, 'no cookie cleared, none set')
  })

  await t.test('the provider recovers: the same cookie refreshes and works', async t => {
    mode = 'pass'
    // One BFF only: a second process with the same cookie would present the rotated refresh token again.
    const response = await user(impatient)
    t.equal(response.statusCode, 200)
    t.ok(String(response.headers['set-cookie']).startsWith('bff_session='), 'a refreshed session cookie')
    t.equal(refreshes(), 1, 'one refresh')
  })
  for (const on of [bff, impatient]) assertNoSecretsLogged(t, on, Object.values(cookies))
})
