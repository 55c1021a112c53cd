import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, messageIds, node, oryError, PASSWORD } from '../../helpers/emulator.js'

// Form validation against the identity schema and the password policy: 400 with the flow, each message on its node.
emulatorTest('a registration missing a required field answers 400 with message 4000002 on that field', async (t, emu) => {
  const { client } = emu
  const flow = await frontend.createNativeRegistrationFlow(client)

  const noEmail = await oryError(t, frontend.updateRegistrationFlow(client, {
    flow: flow.body.id, body: { method: 'password', password: PASSWORD, traits: { name: { first: 'Ada' } } }
  }), 400)
  t.same(messageIds(noEmail, 'traits.email'), [4000002])
  t.same(node(noEmail, 'traits.email')?.messages[0]?.context, { property: 'email' })
  t.equal(node(noEmail, 'traits.email')?.messages[0]?.text, 'Property email is missing.')
  t.equal((node(noEmail, 'traits.name.first')?.attributes as { value?: unknown }).value, 'Ada', 'what was typed stays in the form')

  const noPassword = await oryError(t, frontend.updateRegistrationFlow(client, {
    flow: flow.body.id, body: { method: 'password', password: '', traits: { email: 'ada@example.com' } }
  }), 400)
  t.same(messageIds(noPassword, 'password'), [4000002])
  t.same(messageIds(noPassword, 'traits.email'), [])

  const short = await oryError(t, frontend.updateRegistrationFlow(client, {
    flow: flow.body.id, body: { method: 'password', password: 'short', traits: { email: 'ada@example.com' } }
  }), 400)
  t.same(messageIds(short, 'password'), [4000032], 'shorter than 8 characters')

  const similar = await oryError(t, frontend.updateRegistrationFlow(client, {
    flow: flow.body.id, body: { method: 'password', password: 'ada@example.com1', traits: { email: 'ada@example.com' } }
  }), 400)
  t.same(messageIds(similar, 'password'), [4000031], 'too similar to the identifier')

  const badEmail = await oryError(t, frontend.updateRegistrationFlow(client, {
    flow: flow.body.id, body: { method: 'password', password: PASSWORD, traits: { email: 'not-an-email' } }
  }), 400)
  t.same(messageIds(badEmail, 'traits.email'), [4000001])

  t.equal(emu.state.identities.size, 0, 'nothing was created')
})
