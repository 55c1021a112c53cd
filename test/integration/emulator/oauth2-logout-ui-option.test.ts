import { oauth2 } from '../../../src/ory/index.js'
import { authorize, emulatorTest, OAUTH2_CLIENT, oauth2Post, pkcePair, queryOf } from '../../helpers/emulator.js'

// With oauth2LoginConsentUi, RP-initiated logout with an ID token hint goes to the logout UI with a logout_challenge;
// the UI accepts through the admin API and the browser ends at the client's post-logout URI with its state.
emulatorTest('oauth2LoginConsentUi: end session → logout UI → post-logout redirect', async (t, emu) => {
  const { client } = emu
  const { verifier, challenge } = pkcePair()
  const start = await authorize(emu, { scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })
  const loginChallenge = queryOf(start.headers.get('location'), 'login_challenge')!
  const accepted = await oauth2.acceptOAuth2LoginRequest(client, { login_challenge: loginChallenge, body: { subject: 'subject-1' } })
  const consentChallenge = queryOf((await fetch(accepted.body.redirect_to, { redirect: 'manual' })).headers.get('location'), 'consent_challenge')!
  const granted = await oauth2.acceptOAuth2ConsentRequest(client, { consent_challenge: consentChallenge, body: { grant_scope: ['openid'] } })
  const code = queryOf((await fetch(granted.body.redirect_to, { redirect: 'manual' })).headers.get('location'), 'code')!
  const tokens = await oauth2Post(emu, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: OAUTH2_CLIENT.redirect_uris[0]!, code_verifier: verifier })

  const url = new URL('/oauth2/sessions/logout', emu.url)
  url.searchParams.set('id_token_hint', tokens.body.id_token)
  url.searchParams.set('post_logout_redirect_uri', OAUTH2_CLIENT.post_logout_redirect_uris[0]!)
  url.searchParams.set('state', 'logout-state')
  const toUi = await fetch(url, { redirect: 'manual' })
  t.equal(toUi.status, 302)
  t.ok(toUi.headers.get('location')!.startsWith('http://127.0.0.1:4000/logout?logout_challenge='))
  const logoutChallenge = queryOf(toUi.headers.get('location'), 'logout_challenge')!
  const request = await oauth2.getOAuth2LogoutRequest(client, { logout_challenge: logoutChallenge })
  t.match(request.body, { subject: 'subject-1', rp_initiated: true, client: { client_id: OAUTH2_CLIENT.client_id } })
  const done = await oauth2.acceptOAuth2LogoutRequest(client, { logout_challenge: logoutChallenge })
  const end = await fetch(done.body.redirect_to, { redirect: 'manual' })
  t.equal(end.headers.get('location'), `${OAUTH2_CLIENT.post_logout_redirect_uris[0]}?state=logout-state`)
}, { oauth2Clients: [OAUTH2_CLIENT], oauth2LoginConsentUi: true })
