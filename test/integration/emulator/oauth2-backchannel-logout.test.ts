import { once } from 'node:events'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { codeFlow, CookieJar, emulatorTest, OAUTH2_CLIENT, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// RP-initiated logout with id_token_hint: the Kratos session ends, the browser goes to the registered
// post_logout_redirect_uri with state, and the client's back-channel URI receives a logout token (OpenID Connect
// Back-Channel Logout 1.0) that verifies against the JWKS, typed logout+jwt, with the events claim and the sid.
emulatorTest('end session: a back-channel logout token that verifies, and a redirect with state', async (t, emu) => {
  const received: string[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8').on('data', chunk => { body += chunk }).on('end', () => {
      received.push(`${request.headers['content-type']}|${body}`)
      response.writeHead(200).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => { server.close() })
  emu.ctx.oauth2.addClient({ ...OAUTH2_CLIENT, backchannel_logout_uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel` })

  const { identityId } = await signUpNative(emu.client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(emu.client, jar, 'ada@example.com')
  const { tokens } = await codeFlow(emu, jar.header())

  const arrived = once(server, 'request') as Promise<[IncomingMessage]>
  const url = new URL('/oauth2/sessions/logout', emu.url)
  url.searchParams.set('id_token_hint', tokens.id_token)
  url.searchParams.set('post_logout_redirect_uri', OAUTH2_CLIENT.post_logout_redirect_uris[0]!)
  url.searchParams.set('state', 'logout-state')
  const logout = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } })
  t.equal(logout.status, 302)
  t.equal(logout.headers.get('location'), `${OAUTH2_CLIENT.post_logout_redirect_uris[0]}?state=logout-state`)
  const whoami = await fetch(`${emu.url}/sessions/whoami`, { headers: { cookie: jar.header() } })
  t.equal(whoami.status, 401, 'the Kratos session has ended')
  await whoami.body?.cancel()

  const [request] = await arrived
  await once(request, 'end')
  const [contentType, body] = received[0]!.split('|') as [string, string]
  t.equal(contentType, 'application/x-www-form-urlencoded')
  const logoutToken = new URLSearchParams(body).get('logout_token')!
  t.equal(decodeProtectedHeader(logoutToken).typ, 'logout+jwt')
  const { payload } = await jwtVerify(logoutToken, createRemoteJWKSet(new URL('/.well-known/jwks.json', emu.url)), {
    issuer: emu.baseUrl, audience: OAUTH2_CLIENT.client_id, typ: 'logout+jwt', currentDate: new Date(emu.clock.now())
  })
  const idToken = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString()) as { sid: string }
  t.same(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} })
  t.equal(payload.sid, idToken.sid)
  t.equal(payload.sub, identityId)
  t.equal(payload.nonce, undefined, 'no nonce in a logout token')
  t.type(payload.jti, 'string')

  // The test hook sends the same, and reports how the client answered.
  const deliveries = await emu.ctx.oauth2.backchannelLogout({ sub: identityId })
  t.match(deliveries, [{ clientId: OAUTH2_CLIENT.client_id, status: 200, ok: true, sid: idToken.sid }])
  t.equal(emu.ctx.oauth2.backchannelDeliveries.length, 2)

  const badHint = await fetch(`${emu.url}/oauth2/sessions/logout?id_token_hint=not.a.jwt`, { redirect: 'manual' })
  t.equal(badHint.status, 302)
  t.equal(new URL(badHint.headers.get('location')!).searchParams.get('error'), 'invalid_request', 'errors go to Hydra\'s error page')
}, { oauth2Clients: [OAUTH2_CLIENT] })
