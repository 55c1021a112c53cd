import { createOryClient, identity, jwk, oauth2, relationship } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// With apiKey set, the new admin surfaces are guarded like the existing ones: Hydra's admin API (answering in fosite's
// error shape), the JWK API, the identity extras and Keto's OPL check; the right key gets through.
emulatorTest('with apiKey, Hydra admin, JWK, recovery and OPL APIs need the key', async (t, emu) => {
  const keyless = createOryClient({ url: emu.url, validateResponses: true, retry: false })
  t.teardown(async () => await keyless.close())
  const denied = await oryError(t, oauth2.listOAuth2Clients(keyless), 401)
  t.equal(denied.error, 'request_unauthorized')
  await oryError(t, jwk.getJsonWebKeySet(keyless, { set: 'x' }), 401)
  await oryError(t, oauth2.introspectOAuth2Token(keyless, { body: { token: 't' } }), 401)
  await oryError(t, identity.createRecoveryLinkForIdentity(keyless, { body: { identity_id: '00000000-0000-4000-8000-000000000000' } }), 401)
  await oryError(t, identity.batchPatchIdentities(keyless, { body: { identities: [] } }), 401)
  await oryError(t, relationship.checkOplSyntax(keyless, { body: 'class A implements Namespace {}' }), 401)
  t.equal((await oauth2.listOAuth2Clients(emu.client)).status, 200, 'the right key')
  t.equal((await relationship.checkOplSyntax(emu.client, { body: 'class A implements Namespace {}' })).status, 200)
}, { apiKey: 'ory_pat_emulator' })
