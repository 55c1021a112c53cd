import { decodeJwt } from 'jose'
import { oauth2 } from '../../../src/ory/index.js'
import { authorize, emulatorTest, OAUTH2_CLIENT, oauth2Post, pkcePair, queryOf } from '../../helpers/emulator.js'

// With oauth2LoginConsentUi, the authorize endpoint hands the browser to the login UI with a login_challenge, as Hydra
// does; a UI accepting login and consent through the admin API brings it back with a code for the accepted subject.
// `prompt=none` finds no remembered login: login_required.
emulatorTest('oauth2LoginConsentUi: authorize → login UI → consent UI → code', async (t, emu) => {
  const { client } = emu
  const { verifier, challenge } = pkcePair()
  const start = await authorize(emu, { scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })
  t.equal(start.status, 302)
  const location = start.headers.get('location')!
  t.ok(location.startsWith('http://127.0.0.1:4000/login?login_challenge='), 'to the login UI')

  const loginChallenge = queryOf(location, 'login_challenge')!
  const login = await oauth2.getOAuth2LoginRequest(client, { login_challenge: loginChallenge })
  t.equal(login.status, 200)
  const accepted = await oauth2.acceptOAuth2LoginRequest(client, { login_challenge: loginChallenge, body: { subject: 'subject-from-ui' } })
  const consentChallenge = queryOf((await fetch(accepted.body.redirect_to, { redirect: 'manual' })).headers.get('location'), 'consent_challenge')!
  const granted = await oauth2.acceptOAuth2ConsentRequest(client, { consent_challenge: consentChallenge, body: { grant_scope: ['openid'] } })
  const back = await fetch(granted.body.redirect_to, { redirect: 'manual' })
  t.equal(back.status, 303)
  const code = queryOf(back.headers.get('location'), 'code')!
  const tokens = await oauth2Post(emu, '/oauth2/token', { grant_type: 'authorization_code', code, redirect_uri: OAUTH2_CLIENT.redirect_uris[0]!, code_verifier: verifier })
  t.equal(tokens.status, 200)
  t.equal(decodeJwt(tokens.body.id_token).sub, 'subject-from-ui')

  const none = await authorize(emu, { scope: 'openid', prompt: 'none' })
  t.equal(queryOf(none.headers.get('location'), 'error'), 'login_required')
}, { oauth2Clients: [OAUTH2_CLIENT], oauth2LoginConsentUi: true })
