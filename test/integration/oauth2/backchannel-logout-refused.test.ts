import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import type { JWTPayload } from 'jose'
import { loadConfig } from '../../../src/config.js'
import { BACKCHANNEL_LOGOUT_EVENT } from '../../../src/oauth2/provider.js'
import { captureLogs, readyTestApp } from '../../helpers/app.js'
import { NO_LOAD_SHEDDING, TEST_ENV } from '../../helpers/config.js'
import { newKey, startFakeIssuer } from '../../helpers/fake-issuer.js'
import { CLIENT_ID, CLIENT_SECRET, COOKIE_SECRET, PUBLIC_URL } from '../../helpers/oauth2.js'
import { startRedis } from '../../helpers/redis.js'

// POST /api/oauth2/backchannel-logout as anyone on the network may call it: only a logout token the issuer signed,
// for this client, of the right kind, and not seen before ends anything (OIDC Back-Channel Logout 1.0 §2.6); every
// other is a 400, none a 500, and no answer is cacheable (§2.8). The issuer is the test's own, so that the test can
// sign good tokens with its key as well as bad ones. Server to server: no CSRF header is needed.

const issuer = await startFakeIssuer()
t.teardown(issuer.close)
const redis = await startRedis(t)
const logs = captureLogs()
const config = loadConfig({
  ...TEST_ENV,
  ...NO_LOAD_SHEDDING,
  ORY_URL: issuer.issuer,
  PUBLIC_URL,
  OAUTH2_ISSUER: issuer.issuer,
  OAUTH2_CLIENT_ID: CLIENT_ID,
  OAUTH2_CLIENT_SECRET: CLIENT_SECRET,
  COOKIE_SECRET,
  TOKEN_STORE: 'redis',
  REDIS_URL: redis.url,
  LOG_LEVEL: 'info'
})
const app = await readyTestApp(t, config, { logStream: logs.stream })

function claims (extra: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000)
  return { iss: issuer.issuer, aud: CLIENT_ID, iat: now, exp: now + 120, jti: randomUUID(), sub: 'user-1', sid: 'sid-1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...extra }
}

async function post (token: string): Promise<Awaited<ReturnType<typeof app.inject>>> {
  return await app.inject({
    method: 'POST',
    url: '/api/oauth2/backchannel-logout',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ logout_token: token }).toString()
  })
}

async function refused (t: Test, token: string, reason: RegExp): Promise<void> {
  const response = await post(token)
  t.equal(response.statusCode, 400)
  t.equal(response.headers['cache-control'], 'no-store')
  t.match(response.json().error, { code: 400, reason })
}

t.test('a good logout token: 200 without any CSRF header; the same token again: 400', async t => {
  const token = await issuer.sign(claims(), { typ: 'logout+jwt' })
  const first = await post(token)
  t.equal(first.statusCode, 200)
  t.equal(first.headers['cache-control'], 'no-store')
  t.equal(first.body, '')
  await refused(t, token, /jti has been seen/)
  t.equal((await post(await issuer.sign(claims(), { typ: 'logout+jwt' }))).statusCode, 200, 'another token of the same session (its own jti): 200')
})

t.test('signed by a key that is not in the issuer\'s JWKS: 400', async t => {
  await refused(t, await issuer.sign(claims(), { key: await newKey() }), /No key of the provider's JWKS/)
  await refused(t, await issuer.sign(claims(), { key: await newKey(issuer.published[0]!.kid) }), /signature/)
})
t.test('with a nonce (an ID token passing for a logout token): 400', async t => refused(t, await issuer.sign(claims({ nonce: 'n' })), /nonce/))
t.test('without events: 400', async t => refused(t, await issuer.sign(claims({ events: undefined })), /events/))
t.test('for another client: 400', async t => refused(t, await issuer.sign(claims({ aud: 'another-client' })), /aud/))
t.test('from another issuer: 400', async t => refused(t, await issuer.sign(claims({ iss: 'https://other.example' })), /iss/))
t.test('neither sid nor sub: 400', async t => refused(t, await issuer.sign(claims({ sid: undefined, sub: undefined })), /neither a sub nor a sid/))
t.test('not a JWT: 400', async t => refused(t, 'not-a-jwt', /not a signed JWT/))
t.test('an HMAC token signed with the client secret: 400', async t => {
  const { SignJWT } = await import('jose')
  const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(CLIENT_SECRET))
  await refused(t, token, /HS256/)
})

t.test('a body that is not the form §2.5 names: 4xx, never 500', async t => {
  const url = '/api/oauth2/backchannel-logout'
  const cases = [
    { name: 'JSON without logout_token', headers: { 'content-type': 'application/json' }, payload: '{"token":"x"}' },
    { name: 'JSON that does not parse', headers: { 'content-type': 'application/json' }, payload: '{"logout_token":' },
    { name: 'plain text', headers: { 'content-type': 'text/plain' }, payload: 'logout_token=x' },
    { name: 'a form without logout_token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'token=x' },
    { name: 'no body', headers: {}, payload: undefined }
  ]
  for (const { name, headers, payload } of cases) {
    const response = await app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) })
    t.ok(response.statusCode === 400 || response.statusCode === 415, `${name}: ${response.statusCode}`)
    t.equal(response.json().error.code, response.statusCode, `${name}: Ory's error shape`)
  }
})

t.test('no logout token reaches the logs', async t => {
  t.notOk(/eyJ[A-Za-z0-9_-]+\.eyJ/.test(logs.text()))
})
