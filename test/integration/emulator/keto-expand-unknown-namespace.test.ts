import { permission } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Keto's expand handler maps the subject set through the namespace manager first (internal/expand/handler.go
// `getExpand`, `FromSubjectSet`): with namespaces configured, an unknown one is 404 "Unknown namespace with name …"
// (Keto's expand handler test "returns not found on unknown namespace").
emulatorTest('expanding in an unknown namespace is 404 when namespaces are configured', async (t, emu) => {
  const body = await oryError(t, permission.expandPermissions(emu.client, { namespace: 'Folder', object: 'f', relation: 'view' }), 404)
  t.equal(body.error.reason, 'Unknown namespace with name "Folder".')
  const known = await permission.expandPermissions(emu.client, { namespace: 'Document', object: 'd', relation: 'view' })
  t.equal(known.status, 200)
}, { namespaces: ['Document'] })
