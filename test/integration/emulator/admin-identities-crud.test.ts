import { frontend, identity } from '../../../src/ory/index.js'
import { hashPassword } from '../../../src/emulator/index.js'
import { emulatorTest, oryError, PASSWORD } from '../../helpers/emulator.js'

async function canSignIn (client: Parameters<typeof frontend.createNativeLoginFlow>[0], email: string, password: string): Promise<boolean> {
  const flow = await frontend.createNativeLoginFlow(client)
  return await frontend.updateLoginFlow(client, { flow: flow.body.id, body: { method: 'password', identifier: email, password } })
    .then(r => r.status === 200, () => false)
}

// The identity admin API: create (plain or scrypt-hashed password import), read, replace, JSON-patch and delete.
emulatorTest('admin identities: create, get, update, patch, delete', async (t, emu) => {
  const { client } = emu
  const created = await identity.createIdentity(client, {
    body: {
      schema_id: 'default',
      traits: { email: 'Ada@Example.com', name: { first: 'Ada' } },
      credentials: { password: { config: { password: PASSWORD } } },
      metadata_public: { plan: 'pro' },
      metadata_admin: { note: 'vip' },
      external_id: 'crm-1',
      verifiable_addresses: [{ value: 'ada@example.com', verified: true, via: 'email', status: 'completed' }]
    }
  })
  t.equal(created.status, 201)
  const id = created.body.id
  t.equal(created.headers.location, `${emu.baseUrl}/admin/identities/${id}`)
  t.equal(created.body.schema_url, `${emu.baseUrl}/schemas/ZGVmYXVsdA`)
  t.same(created.body.metadata_admin, { note: 'vip' })
  t.same(created.body.credentials?.password?.identifiers, ['ada@example.com'])
  t.notOk('config' in (created.body.credentials?.password ?? {}), 'credential metadata only')
  t.equal(created.body.verifiable_addresses?.[0]?.verified, true)
  t.ok(await canSignIn(client, 'ada@example.com', PASSWORD), 'the imported password works')

  const hashed = await identity.createIdentity(client, {
    body: { schema_id: 'default', traits: { email: 'grace@example.com' }, credentials: { password: { config: { hashed_password: await hashPassword('grace-secret-99') } } } }
  })
  t.ok(await canSignIn(client, 'grace@example.com', 'grace-secret-99'), 'a pre-hashed scrypt password works')
  await oryError(t, identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'x@example.com' }, credentials: { password: { config: { hashed_password: '$2a$10$bcrypt' } } } } }), 400)

  const conflict = await oryError(t, identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'ADA@example.com' } } }), 409)
  t.equal(conflict.error.code, 409)
  await oryError(t, identity.createIdentity(client, { body: { schema_id: 'default', traits: { name: { first: 'No email' } } } }), 400)
  await oryError(t, identity.createIdentity(client, { body: { schema_id: 'nope', traits: { email: 'y@example.com' } } }), 400)

  t.equal((await identity.getIdentity(client, { id })).body.external_id, 'crm-1')
  t.equal((await identity.getIdentityByExternalID(client, { externalID: 'crm-1' })).body.id, id)
  await oryError(t, identity.getIdentity(client, { id: '00000000-0000-4000-8000-000000000000' }), 404)

  const updated = await identity.updateIdentity(client, {
    id, body: { schema_id: 'default', state: 'active', traits: { email: 'ada@example.com', name: { first: 'Augusta Ada' } } }
  })
  t.same(updated.body.traits, { email: 'ada@example.com', name: { first: 'Augusta Ada' } })
  t.same(updated.body.metadata_public, { plan: 'pro' }, 'fields left out are kept')
  await oryError(t, identity.updateIdentity(client, { id, body: { schema_id: 'default', state: 'active', traits: { email: 'grace@example.com' } } }), 409)

  const patched = await identity.patchIdentity(client, {
    id,
    body: [
      { op: 'replace', path: '/traits/name/first', value: 'Ada' },
      { op: 'add', path: '/metadata_public/beta', value: true },
      { op: 'replace', path: '/state', value: 'inactive' }
    ]
  })
  t.same(patched.body.traits, { email: 'ada@example.com', name: { first: 'Ada' } })
  t.same(patched.body.metadata_public, { plan: 'pro', beta: true })
  t.equal(patched.body.state, 'inactive')
  t.notOk(await canSignIn(client, 'ada@example.com', PASSWORD), 'an inactive identity cannot sign in')
  await oryError(t, identity.patchIdentity(client, { id, body: [{ op: 'replace', path: '/id', value: 'x' }] }), 400)
  await oryError(t, identity.patchIdentity(client, { id, body: [{ op: 'remove', path: '/traits/email' }] }), 400)

  const deleted = await identity.deleteIdentity(client, { id: hashed.body.id })
  t.equal(deleted.status, 204)
  await oryError(t, identity.getIdentity(client, { id: hashed.body.id }), 404)
  await oryError(t, identity.deleteIdentity(client, { id: hashed.body.id }), 404)
  t.notOk(await canSignIn(client, 'grace@example.com', 'grace-secret-99'))
})
