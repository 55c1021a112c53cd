import { oauth2 } from '../../../src/ory/index.js'
import { emulatorTest, OAUTH2_CLIENT, oauth2Post, oryError, pkcePair, queryOf } from '../../helpers/emulator.js'

// A login and consent UI on Hydra's admin API: the login request is read and accepted, its redirect_to leads through
// the authorize endpoint to a consent request, whose acceptance leads to the client's redirect URI with a code that
// exchanges for tokens of the accepted subject and granted scopes. Handled challenges answer 410 with redirect_to,
// unknown ones 404; rejections come back to the client as OAuth2 errors; the consent shows in the subject's sessions.
emulatorTest('admin login and consent requests: accept, reject, consent sessions', async (t, emu) => {
  const { client, ctx } = emu
  const { verifier, challenge } = pkcePair()
  const seeded = ctx.oauth2.createLoginRequest({ client_id: OAUTH2_CLIENT.client_id, scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256', state: 'state-of-the-art' })
  t.equal(new URL(seeded.redirectTo).searchParams.get('login_challenge'), seeded.challenge)

  const login = await oauth2.getOAuth2LoginRequest(client, { login_challenge: seeded.challenge })
  t.equal(login.status, 200)
  if (login.status !== 200) return
  t.match(login.body, { challenge: seeded.challenge, skip: false, subject: '', client: { client_id: OAUTH2_CLIENT.client_id }, requested_scope: ['openid', 'offline_access'] })
  t.equal(login.body.client.client_secret, undefined)

  const accepted = await oauth2.acceptOAuth2LoginRequest(client, { login_challenge: seeded.challenge, body: { subject: 'user-1', remember: true } })
  const again = await oryError(t, oauth2.getOAuth2LoginRequest(client, { login_challenge: seeded.challenge }), 410)
  t.equal(again.redirect_to, accepted.body.redirect_to, 'a handled request says where to go')
  await oryError(t, oauth2.getOAuth2LoginRequest(client, { login_challenge: 'unknown' }), 404)
  const unknown = await oryError(t, oauth2.acceptOAuth2LoginRequest(client, { login_challenge: 'unknown', body: { subject: 'x' } }), 404)
  t.equal(unknown.error, 'Not Found')

  const toConsent = await fetch(accepted.body.redirect_to, { redirect: 'manual' })
  t.equal(toConsent.status, 302)
  const consentChallenge = queryOf(toConsent.headers.get('location'), 'consent_challenge')!
  const consent = await oauth2.getOAuth2ConsentRequest(client, { consent_challenge: consentChallenge })
  t.equal(consent.status, 200)
  if (consent.status !== 200) return
  t.match(consent.body, { subject: 'user-1', requested_scope: ['openid', 'offline_access'], login_challenge: seeded.challenge })

  const granted = await oauth2.acceptOAuth2ConsentRequest(client, {
    consent_challenge: consentChallenge,
    body: { grant_scope: ['openid', 'offline_access'], remember: true, remember_for: 3600, session: { access_token: { team: 'blue' } } }
  })
  const back = await fetch(granted.body.redirect_to, { redirect: 'manual' })
  t.equal(back.status, 303)
  const location = back.headers.get('location')!
  t.ok(location.startsWith(OAUTH2_CLIENT.redirect_uris[0]!))
  t.equal(queryOf(location, 'state'), 'state-of-the-art')
  const replay = await fetch(granted.body.redirect_to, { redirect: 'manual' })
  t.equal(queryOf(replay.headers.get('location'), 'error'), 'access_denied', 'a verifier is single use')

  const tokens = await oauth2Post(emu, '/oauth2/token', { grant_type: 'authorization_code', code: queryOf(location, 'code')!, redirect_uri: OAUTH2_CLIENT.redirect_uris[0]!, code_verifier: verifier })
  t.equal(tokens.status, 200)
  t.equal(tokens.body.scope, 'openid offline_access')
  const introspected = await oauth2.introspectOAuth2Token(client, { body: { token: tokens.body.access_token } })
  t.match(introspected.body, { active: true, sub: 'user-1', ext: { team: 'blue' } })

  const sessions = await oauth2.listOAuth2ConsentSessions(client, { subject: 'user-1' })
  t.equal(sessions.body.length, 1)
  t.match(sessions.body[0], { grant_scope: ['openid', 'offline_access'], remember: true, remember_for: 3600, consent_request: { client: { client_id: OAUTH2_CLIENT.client_id } } })
  t.same((await oauth2.listOAuth2ConsentSessions(client, { subject: 'nobody' })).body, [])
  await oryError(t, oauth2.revokeOAuth2ConsentSessions(client, { subject: 'user-1' }), 400)
  t.equal((await oauth2.revokeOAuth2ConsentSessions(client, { subject: 'user-1', client: OAUTH2_CLIENT.client_id })).status, 204)
  t.same((await oauth2.listOAuth2ConsentSessions(client, { subject: 'user-1' })).body, [])
  t.equal((await oauth2.introspectOAuth2Token(client, { body: { token: tokens.body.access_token } })).body.active, false, 'revoking the consent revokes its tokens')

  // Rejections reach the client as OAuth2 errors.
  const second = ctx.oauth2.createLoginRequest({ client_id: OAUTH2_CLIENT.client_id, scope: 'openid' })
  const rejected = await oauth2.rejectOAuth2LoginRequest(client, { login_challenge: second.challenge, body: { error: 'access_denied', error_description: 'The user said no.' } })
  const denied = await fetch(rejected.body.redirect_to, { redirect: 'manual' })
  t.equal(queryOf(denied.headers.get('location'), 'error'), 'access_denied')
  t.equal(queryOf(denied.headers.get('location'), 'error_description'), 'The user said no.')

  const third = ctx.oauth2.createLoginRequest({ client_id: OAUTH2_CLIENT.client_id, scope: 'openid' })
  const ok = await oauth2.acceptOAuth2LoginRequest(client, { login_challenge: third.challenge, body: { subject: 'user-2' } })
  const consent3 = queryOf((await fetch(ok.body.redirect_to, { redirect: 'manual' })).headers.get('location'), 'consent_challenge')!
  const refused = await oauth2.rejectOAuth2ConsentRequest(client, { consent_challenge: consent3, body: {} })
  const deniedConsent = await fetch(refused.body.redirect_to, { redirect: 'manual' })
  t.equal(queryOf(deniedConsent.headers.get('location'), 'error'), 'request_denied')
  t.same((await oauth2.listOAuth2ConsentSessions(client, { subject: 'user-2' })).body, [], 'a refused consent is no session')
}, { oauth2Clients: [OAUTH2_CLIENT] })
