import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, oryError, PASSWORD, signUpNative } from '../../helpers/emulator.js'

// Kratos refuses to "change" a password to itself (selfservice/strategy/password/settings.go `isNewPasswordSameAsOld`,
// message 4000039 on the password node), so that a user changing a leaked password cannot keep it by mistake.
emulatorTest('settings: the new password must differ from the old one', async (t, emu) => {
  const { client } = emu
  const { token } = await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeSettingsFlow(client, { xSessionToken: token })

  const same = await oryError(t, frontend.updateSettingsFlow(client, { flow: flow.body.id, xSessionToken: token, body: { method: 'password', password: PASSWORD } }), 400) as
    { ui: { nodes: Array<{ attributes: { name?: string }, messages: Array<{ id: number, text: string }> }> } }
  const node = same.ui.nodes.find(n => n.attributes.name === 'password')
  t.same(node?.messages.map(m => [m.id, m.text]), [[4000039, 'The new password must be different from the old password.']])

  const other = await frontend.updateSettingsFlow(client, { flow: flow.body.id, xSessionToken: token, body: { method: 'password', password: 'a different long passphrase' } })
  t.equal(other.status, 200, 'another password is saved')
})
