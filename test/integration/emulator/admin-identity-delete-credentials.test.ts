import { identity } from '../../../src/ory/index.js'
import { emulatorTest, oryError, signUpNative } from '../../helpers/emulator.js'

// deleteIdentityCredentials as Kratos answers it for the emulator's identities, whose only first factor is the
// password: removing it is refused (the last first factor), a type not set up is a 404, as is an unknown identity.
emulatorTest('admin delete credentials: the last first factor stays, unknown types and identities are 404', async (t, emu) => {
  const { client } = emu
  const ada = await signUpNative(client, 'ada@example.com')
  const last = await oryError(t, identity.deleteIdentityCredentials(client, { id: ada.identityId, type: 'password' }), 400)
  t.equal(last.error.reason, 'You cannot remove the last first factor credential.')
  const totp = await oryError(t, identity.deleteIdentityCredentials(client, { id: ada.identityId, type: 'totp' }), 404)
  t.equal(totp.error.reason, 'You tried to remove a totp but this user have no totp set up.')
  const noPassword = await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'grace@example.com' } } })
  await oryError(t, identity.deleteIdentityCredentials(client, { id: noPassword.body.id, type: 'password' }), 404)
  await oryError(t, identity.deleteIdentityCredentials(client, { id: '00000000-0000-4000-8000-000000000000', type: 'password' }), 404)
  t.ok((await identity.getIdentity(client, { id: ada.identityId, include_credential: ['password'] })).body.credentials?.password, 'the password is still there')
})
