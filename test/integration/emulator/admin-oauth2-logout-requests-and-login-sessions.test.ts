import { frontend, oauth2 } from '../../../src/ory/index.js'
import { emulatorTest, OAUTH2_CLIENT, oryError, queryOf, signUpNative } from '../../helpers/emulator.js'

// A logout UI on Hydra's admin API: the logout request is read, accepted (redirect_to the end-session endpoint with a
// verifier, which ends the session and goes to the client's post-logout URI with its state) or rejected (204);
// unknown challenges are 404. Revoking login sessions by subject or sid ends the Kratos sessions behind them.
emulatorTest('admin logout requests and login sessions', async (t, emu) => {
  const { client, ctx } = emu
  const ada = await signUpNative(client, 'ada@example.com')
  const session = await frontend.toSession(client, { xSessionToken: ada.token })
  const seeded = ctx.oauth2.createLogoutRequest({ subject: ada.identityId, sid: session.body.id, clientId: OAUTH2_CLIENT.client_id, postLogoutRedirectUri: OAUTH2_CLIENT.post_logout_redirect_uris[0], state: 'bye-state' })
  const request = await oauth2.getOAuth2LogoutRequest(client, { logout_challenge: seeded.challenge })
  t.match(request.body, { challenge: seeded.challenge, subject: ada.identityId, sid: session.body.id, rp_initiated: true, client: { client_id: OAUTH2_CLIENT.client_id } })
  await oryError(t, oauth2.getOAuth2LogoutRequest(client, { logout_challenge: 'unknown' }), 404)

  const accepted = await oauth2.acceptOAuth2LogoutRequest(client, { logout_challenge: seeded.challenge })
  t.equal(new URL(accepted.body.redirect_to).pathname, '/oauth2/sessions/logout')
  await oryError(t, oauth2.getOAuth2LogoutRequest(client, { logout_challenge: seeded.challenge }), 410)
  const done = await fetch(accepted.body.redirect_to, { redirect: 'manual' })
  t.equal(done.status, 302)
  t.equal(done.headers.get('location'), `${OAUTH2_CLIENT.post_logout_redirect_uris[0]}?state=bye-state`)
  await oryError(t, frontend.toSession(client, { xSessionToken: ada.token }), 401)
  const replay = await fetch(accepted.body.redirect_to, { redirect: 'manual' })
  t.equal(queryOf(replay.headers.get('location'), 'error'), 'invalid_request', 'a verifier is single use')

  const grace = await signUpNative(client, 'grace@example.com')
  const graceSession = await frontend.toSession(client, { xSessionToken: grace.token })
  const other = ctx.oauth2.createLogoutRequest({ subject: grace.identityId, sid: graceSession.body.id })
  t.equal((await oauth2.rejectOAuth2LogoutRequest(client, { logout_challenge: other.challenge })).status, 204)
  t.equal((await frontend.toSession(client, { xSessionToken: grace.token })).status, 200, 'a rejected logout ends nothing')

  await oryError(t, oauth2.revokeOAuth2LoginSessions(client, {}), 400)
  t.equal((await oauth2.revokeOAuth2LoginSessions(client, { sid: graceSession.body.id })).status, 204)
  await oryError(t, frontend.toSession(client, { xSessionToken: grace.token }), 401)
  const again = await signUpNative(client, 'hopper@example.com')
  t.equal((await oauth2.revokeOAuth2LoginSessions(client, { subject: again.identityId })).status, 204)
  await oryError(t, frontend.toSession(client, { xSessionToken: again.token }), 401)
}, { oauth2Clients: [OAUTH2_CLIENT] })
