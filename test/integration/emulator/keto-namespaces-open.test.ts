import { relationship } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

// The emulator's open mode (docs/emulator.md): with no `namespaces` option, any namespace is accepted and listed.
emulatorTest('without configured namespaces any namespace may be written', async (t, emu) => {
  const created = await relationship.createRelationship(emu.client, { body: { namespace: 'Anything', object: 'o', relation: 'r', subject_id: 'ada' } })
  t.equal(created.status, 201)
  t.same((await relationship.listRelationshipNamespaces(emu.client)).body, { namespaces: [{ name: 'Anything' }] })
})
