import { courier, frontend } from '../../../src/ory/index.js'
import { emulatorTest, PASSWORD } from '../../helpers/emulator.js'

// Kratos writes e-mail links on the base URL the user's browser uses (x/http.go `CourierBaseURL`), not on the host it
// was reached at. Behind the sidecar's mirror that is `<PUBLIC_URL>/.ory`, which the `courierBaseUrl` option names.
emulatorTest('with courierBaseUrl, the verification e-mail links to it, not to the emulator', async (t, emu) => {
  const { client } = emu
  const registration = await frontend.createNativeRegistrationFlow(client)
  await frontend.updateRegistrationFlow(client, {
    flow: registration.body.id, body: { method: 'password', password: PASSWORD, traits: { email: 'ada@example.com' } }
  })
  const [message] = (await courier.listCourierMessages(client, { recipient: 'ada@example.com' })).body
  const link = /https?:\/\/\S+/.exec(message?.body ?? '')?.[0] ?? ''
  t.match(link, /^http:\/\/localhost:4000\/\.ory\/self-service\/verification\?flow=[0-9a-f-]+&code=\d{6}$/)
  t.notOk(message?.body.includes(emu.baseUrl), 'nothing in the e-mail points at the emulator itself')

  // The link pre-fills the code and sends the browser on to the UI (strategy_verification.go `handleLinkClick`).
  const opened = await fetch(`${emu.url}${new URL(link).pathname.replace(/^\/\.ory/, '')}${new URL(link).search}`, { redirect: 'manual' })
  t.equal(opened.status, 303, 'the link, reached through the mirror, is the emulator\'s verification endpoint')
  t.match(opened.headers.get('location'), /\/verification\?flow=[0-9a-f-]+$/)
}, { courierBaseUrl: 'http://localhost:4000/.ory/' })
