import t, { type Test } from 'tap'
import type { JWTPayload } from 'jose'
import { BACKCHANNEL_LOGOUT_EVENT, OpenIdProvider } from '../../../src/oauth2/provider.js'
import { LogoutTokenError } from '../../../src/oauth2/provider-errors.js'
import { createOryClient } from '../../../src/ory/index.js'
import { newKey, startFakeIssuer } from '../../helpers/fake-issuer.js'

// Logout-token validation (OIDC Back-Channel Logout 1.0 §2.6) against an issuer of the test's own.

const CLIENT_ID = 'bff'
const issuer = await startFakeIssuer()
t.teardown(issuer.close)
const client = createOryClient({ url: 'https://project.example', retry: false })
t.teardown(async () => await client.close())
const clock = Date.now()
const now = Math.floor(clock / 1000)
const provider = new OpenIdProvider({ client, issuer: issuer.issuer, clientId: CLIENT_ID, clientSecret: 's', redirectUri: 'https://app.example/cb', now: () => clock })

function claims (extra: JWTPayload = {}): JWTPayload {
  return { iss: issuer.issuer, aud: CLIENT_ID, iat: now, jti: 'jti-1', sub: 'user-1', sid: 'sid-1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...extra }
}

async function refused (t: Test, token: string, reason: RegExp): Promise<void> {
  const err = await provider.validateLogoutToken(token).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof LogoutTokenError, 'a LogoutTokenError')
  t.equal((err as LogoutTokenError).statusCode, 400, '400, as §2.8 says')
  t.equal((err as LogoutTokenError).code, 'ORY_BFF_OAUTH2_LOGOUT_TOKEN_INVALID')
  t.match((err as LogoutTokenError).reason, reason)
}

t.test('a good logout token gives sub, sid, jti and how long to remember the jti', async t => {
  t.same(await provider.validateLogoutToken(await issuer.sign(claims(), { typ: 'logout+jwt' })), { sub: 'user-1', sid: 'sid-1', jti: 'jti-1', expiresAt: now + 300 + 60 })
  t.same(await provider.validateLogoutToken(await issuer.sign(claims({ sub: undefined, exp: now + 120 }))), { sid: 'sid-1', jti: 'jti-1', expiresAt: now + 120 + 60 }, 'no typ; an exp before the age limit bounds it')
  t.same(await provider.validateLogoutToken(await issuer.sign(claims({ sid: undefined }), { typ: 'JWT' })), { sub: 'user-1', jti: 'jti-1', expiresAt: now + 360 }, 'typ JWT, as Ory Hydra sends')
})

t.test('a wrong signature', async t => refused(t, await issuer.sign(claims(), { key: await newKey(issuer.published[0]!.kid) }), /signature/))
t.test('a nonce', async t => refused(t, await issuer.sign(claims({ nonce: 'n' })), /nonce/))
t.test('no events', async t => refused(t, await issuer.sign(claims({ events: undefined })), /events/))
t.test('events without the back-channel logout member', async t => refused(t, await issuer.sign(claims({ events: { 'http://schemas.openid.net/event/other': {} } })), /events/))
t.test('the event is not an object', async t => refused(t, await issuer.sign(claims({ events: { [BACKCHANNEL_LOGOUT_EVENT]: true } })), /events/))
t.test('another typ', async t => refused(t, await issuer.sign(claims(), { typ: 'at+jwt' }), /typ/))
t.test('no jti', async t => refused(t, await issuer.sign(claims({ jti: undefined })), /jti/))
t.test('neither sub nor sid', async t => refused(t, await issuer.sign(claims({ sub: undefined, sid: undefined })), /neither a sub nor a sid/))
t.test('issued too long ago', async t => refused(t, await issuer.sign(claims({ iat: now - 300 - 61 })), /too long ago/))
t.test('issued in the future', async t => refused(t, await issuer.sign(claims({ iat: now + 120 })), /future/))
t.test('another audience', async t => refused(t, await issuer.sign(claims({ aud: 'other' })), /aud/))
t.test('another issuer', async t => refused(t, await issuer.sign(claims({ iss: 'https://evil.example' })), /iss/))
t.test('an ID token is not a logout token', async t => {
  await refused(t, await issuer.sign({ iss: issuer.issuer, aud: CLIENT_ID, sub: 'user-1', iat: now, exp: now + 300, nonce: 'n', jti: 'j' }), /events|nonce/)
})
