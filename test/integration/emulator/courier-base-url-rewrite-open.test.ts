import { courier, frontend, identity } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

// Without an `apiKey` the emulator has no key to check `Ory-Base-URL-Rewrite-Token` against, and takes the
// `Ory-Base-URL-Rewrite` header as it comes (docs/emulator.md); it wins over the `courierBaseUrl` option.
emulatorTest('without an apiKey, Ory-Base-URL-Rewrite on flow init sets the base of the e-mail links', async (t, emu) => {
  const { client } = emu
  await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'ada@example.com' } } })
  const flow = await frontend.createNativeVerificationFlow(client, {}, { headers: { 'ory-base-url-rewrite': 'https://app.example.com/auth/' } })
  await frontend.updateVerificationFlow(client, { flow: flow.body.id, body: { method: 'code', email: 'ada@example.com' } })
  const [message] = (await courier.listCourierMessages(client, { recipient: 'ada@example.com' })).body
  t.match(message?.body, /https:\/\/app\.example\.com\/auth\/self-service\/verification\?flow=[0-9a-f-]+&code=\d{6}\n/)
}, { courierBaseUrl: 'http://localhost:4000/.ory' })
