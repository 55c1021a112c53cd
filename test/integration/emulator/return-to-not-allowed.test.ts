import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, oryError, PASSWORD, queryOf, signUpNative } from '../../helpers/emulator.js'

// return_to is checked against the allowed list (default: the UI's origin) when the flow starts: no open redirects.
emulatorTest('a return_to outside the allowed list is refused with 400 self_service_flow_return_to_forbidden', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')

  const denied = await oryError(t, frontend.createBrowserLoginFlow(client, { return_to: 'https://evil.example/steal' }), 400)
  t.equal(denied.error.id, 'self_service_flow_return_to_forbidden')
  t.equal(denied.error.reason, 'Requested return_to URL "https://evil.example/steal" is not allowed.')
  await oryError(t, frontend.createNativeRegistrationFlow(client, { return_to: 'http://127.0.0.1:4001/' }), 400)
  await oryError(t, frontend.createBrowserRecoveryFlow(client, { return_to: '//evil.example/' }), 400)

  const page = await frontend.createBrowserLoginFlow(client, { return_to: 'https://evil.example/' }, { headers: { accept: 'text/html' } })
  t.equal(page.status, 303, 'a browser is sent to the error page instead')
  t.match(String(page.headers.location), /^http:\/\/127\.0\.0\.1:4000\/error\?id=/)
  const stored = await frontend.getFlowError(client, { id: queryOf(page.headers.location, 'id')! })
  t.equal((stored.body.error as { id?: string }).id, 'self_service_flow_return_to_forbidden')

  // Allowed: a relative path (resolved against the UI) is kept and used after sign-in.
  const jar = new CookieJar()
  const flow = await frontend.createBrowserLoginFlow(client, { return_to: '/dashboard?tab=1' })
  if (flow.status !== 200) return
  t.equal(flow.body.return_to, 'http://127.0.0.1:4000/dashboard?tab=1')
  jar.store(flow.headers['set-cookie'])
  const done = await frontend.updateLoginFlow(client, {
    flow: flow.body.id, cookie: jar.header(), body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD, csrf_token: csrfToken(flow.body) }
  }, { bodyType: 'form', headers: { accept: 'text/html' } })
  t.equal(done.status, 303)
  t.equal(done.headers.location, 'http://127.0.0.1:4000/dashboard?tab=1')
})

emulatorTest('allowedReturnUrls widens the list to other origins and paths', async (t, emu) => {
  const flow = await frontend.createNativeLoginFlow(emu.client, { return_to: 'https://app.example.com/callback/x' })
  t.equal(flow.body.return_to, 'https://app.example.com/callback/x')
  await oryError(t, frontend.createNativeLoginFlow(emu.client, { return_to: 'https://app.example.com/other' }), 400)
  await oryError(t, frontend.createNativeLoginFlow(emu.client, { return_to: 'http://127.0.0.1:4000/' }), 400)
}, { allowedReturnUrls: ['https://app.example.com/callback'] })
