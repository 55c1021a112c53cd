import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, oryError, PASSWORD, signUpNative } from '../../helpers/emulator.js'

// API flows have no CSRF protection, so Kratos refuses them when the request looks like a browser's (Origin or
// Cookie headers): a page cannot make a browser complete a native flow.
emulatorTest('an API flow submitted with browser headers (Origin, Cookie) is refused with 400', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeLoginFlow(client)
  const body = { method: 'password' as const, identifier: 'ada@example.com', password: PASSWORD }

  // The 400 comes back as the flow with message 4000001 (selfservice/flow/login/error.go `WriteFlowError`).
  const origin = await oryError(t, frontend.updateLoginFlow(client, { flow: flow.body.id, body }, { headers: { origin: 'https://evil.example' } }), 400)
  t.match(origin.ui.messages[0].text, /"Origin"/)
  const cookie = await oryError(t, frontend.updateLoginFlow(client, { flow: flow.body.id, cookie: 'a=b', body }), 400)
  t.match(cookie.ui.messages[0].text, /"Cookie"/)
  const ok = await frontend.updateLoginFlow(client, { flow: flow.body.id, body })
  t.equal(ok.status, 200)
})
