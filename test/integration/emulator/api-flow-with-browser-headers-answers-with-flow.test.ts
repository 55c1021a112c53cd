import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, messageIds, oryError, PASSWORD, signUpNative } from '../../helpers/emulator.js'

// selfservice/flow/request.go `EnsureCSRF` refuses an API flow submitted with an `Origin` header or cookies with a
// 400, and login's and registration's `WriteFlowError` turn that 400 into message 4000001 on the flow
// (ui/container/container.go `ParseError`). Cloudflare's own cookies (`__cf…`, `_cf…`, `cf_…`) do not count.
emulatorTest('an API flow sent with Origin or cookies answers 400 with the flow and message 4000001; Cloudflare cookies are ignored', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeLoginFlow(client)
  const body = { method: 'password' as const, identifier: 'ada@example.com', password: PASSWORD }

  const origin = await oryError(t, frontend.updateLoginFlow(client, { flow: flow.body.id, body }, { headers: { origin: 'https://evil.example' } }), 400)
  t.equal(origin.id, flow.body.id, 'the flow, not a bare error')
  t.same(messageIds(origin), [4000001])
  t.match(origin.ui.messages[0].text, /included the "Origin" key/)

  const cookie = await oryError(t, frontend.updateLoginFlow(client, { flow: flow.body.id, cookie: 'a=b; __cf_bm=x', body }), 400)
  t.same(messageIds(cookie), [4000001], 'one message: the previous one is cleared')
  t.match(cookie.ui.messages[0].text, /included the "Cookie" key/)

  const registration = await frontend.createNativeRegistrationFlow(client)
  const refused = await oryError(t, frontend.updateRegistrationFlow(client, {
    flow: registration.body.id, body: { method: 'password', password: PASSWORD, traits: { email: 'grace@example.com', name: { first: 'G', last: 'H' } } }
  }, { headers: { origin: 'https://evil.example' } }), 400)
  t.same(messageIds(refused), [4000001])

  const cloudflare = await frontend.updateLoginFlow(client, { flow: flow.body.id, cookie: '__cf_bm=x; cf_clearance=y; _cfuvid=z', body })
  t.equal(cloudflare.status, 200, 'Cloudflare\'s cookies alone do not make a request a browser\'s')
})
