import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, messageIds, oryError, PASSWORD, signUpNative } from '../../helpers/emulator.js'

emulatorTest('registering an identifier that exists answers 400 with message 4000007', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')

  const flow = await frontend.createNativeRegistrationFlow(client)
  const duplicate = await oryError(t, frontend.updateRegistrationFlow(client, {
    flow: flow.body.id, body: { method: 'password', password: PASSWORD, traits: { email: 'ADA@Example.com' } }
  }), 400)
  t.same(messageIds(duplicate), [4000007], 'identifiers compare case-insensitively, as Kratos lower-cases emails')
  t.equal(duplicate.ui.messages[0].text, 'An account with the same identifier (email, phone, username, ...) exists already.')
  t.equal(emu.state.identities.size, 1)
})
