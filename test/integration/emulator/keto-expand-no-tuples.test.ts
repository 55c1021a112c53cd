import { permission } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

// Keto's expand engine (internal/expand/engine.go, `buildTreeDirect`) builds a node for the subject set even when no
// tuple matches; the mapper (internal/relationtuple/uuid_mapping.go, `ToTree`) makes a node without children a
// `leaf` and fills only the tuple's subject. So an object with no tuples is 200 with one leaf, not 404.
emulatorTest('expanding an object with no tuples is 200 with a single leaf', async (t, emu) => {
  const tree = await permission.expandPermissions(emu.client, { namespace: 'Document', object: 'nothing', relation: 'view' })
  t.equal(tree.status, 200)
  t.same(tree.body, {
    type: 'leaf',
    tuple: { namespace: '', object: '', relation: '', subject_set: { namespace: 'Document', object: 'nothing', relation: 'view' } }
  })
})
