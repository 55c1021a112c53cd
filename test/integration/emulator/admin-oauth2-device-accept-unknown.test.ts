import { oauth2 } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// The emulator has no device flow, so accepting a device user code request finds none: Hydra's 404 in fosite's shape.
emulatorTest('admin device request accept: an unknown challenge is a 404', async (t, emu) => {
  const body = await oryError(t, oauth2.acceptUserCodeRequest(emu.client, { device_challenge: 'unknown', body: { user_code: 'ABCD' } }), 404)
  t.equal(body.error, 'Not Found')
})
