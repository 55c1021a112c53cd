import { randomUUID } from 'node:crypto'
import { frontend, identity } from '../../../src/ory/index.js'
import { emulatorTest, oryError, PASSWORD } from '../../helpers/emulator.js'

// batchPatchIdentities creates many identities in one call and answers per item, in order, with the caller's
// patch_id: `create` with the new id, or `error` (a taken identifier, invalid traits) while the others are created.
// Imported passwords work at sign-in. Over 1000 items is a 400.
emulatorTest('admin batch patch: create many, one answer per item', async (t, emu) => {
  const { client } = emu
  const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
  const result = await identity.batchPatchIdentities(client, {
    body: {
      identities: [
        { patch_id: ids[0], create: { schema_id: 'default', traits: { email: 'ada@example.com' }, credentials: { password: { config: { password: PASSWORD } } } } },
        { patch_id: ids[1], create: { schema_id: 'default', traits: { email: 'grace@example.com' } } },
        { patch_id: ids[2], create: { schema_id: 'default', traits: { email: 'ada@example.com' } } },
        { patch_id: ids[3], create: { schema_id: 'default', traits: { email: 'not an email' } } }
      ]
    }
  })
  t.equal(result.status, 200)
  const items = result.body.identities ?? []
  t.same(items.map(i => i.patch_id), ids, 'in order, with the patch ids')
  t.same(items.map(i => i.action), ['create', 'create', 'error', 'error'])
  t.match(items[2]?.error as object, { code: 409 })
  t.match(items[3]?.error as object, { code: 400 })
  t.same((await identity.getIdentity(client, { id: items[1]!.identity! })).body.traits, { email: 'grace@example.com' })
  t.equal((await identity.listIdentities(client)).body.length, 2)

  const flow = await frontend.createNativeLoginFlow(client)
  const login = await frontend.updateLoginFlow(client, { flow: flow.body.id, body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD } })
  t.equal(login.status, 200, 'the imported password signs in')

  const tooMany = Array.from({ length: 1001 }, (_, i) => ({ create: { schema_id: 'default', traits: { email: `u${i}@example.com` } } }))
  await oryError(t, identity.batchPatchIdentities(client, { body: { identities: tooMany } }), 400)
  t.equal((await identity.listIdentities(client)).body.length, 2, 'nothing created then')
})
