import { createOryClient, frontend, identity, permission } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// With apiKey set, the emulator guards admin, permission and courier APIs like Ory Network guards them with a
// project API key; the self-service and session APIs stay public.
emulatorTest('with apiKey, admin APIs need Authorization: Bearer <key>; public APIs do not', async (t, emu) => {
  const keyless = createOryClient({ url: emu.url, validateResponses: true, retry: false })
  t.teardown(async () => await keyless.close())
  const wrong = createOryClient({ url: emu.url, validateResponses: true, retry: false, apiKey: 'ory_pat_wrong' })
  t.teardown(async () => await wrong.close())

  const denied = await oryError(t, identity.listIdentities(keyless), 401)
  t.equal(denied.error.code, 401)
  await oryError(t, identity.listIdentities(wrong), 401)
  await oryError(t, permission.checkPermission(keyless, { namespace: 'n', object: 'o', relation: 'r', subject_id: 's' }), 401)
  t.equal((await identity.listIdentities(emu.client)).status, 200, 'the right key')
  t.equal((await frontend.createNativeLoginFlow(keyless)).status, 200, 'self-service needs no key')
}, { apiKey: 'ory_pat_emulator' })
