import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { frontend, identity, permission } from '../../../src/ory/index.js'
import { startEmulator } from '../../../src/emulator/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

const seedFile = join(fileURLToPath(new URL('.', import.meta.url)), '../../fixtures/emulator/seed.json')

async function signIn (client: Parameters<typeof frontend.createNativeLoginFlow>[0], email: string, password: string): Promise<number> {
  const flow = await frontend.createNativeLoginFlow(client)
  return await frontend.updateLoginFlow(client, { flow: flow.body.id, body: { method: 'password', identifier: email, password } })
    .then(r => r.status, (e: { status: number }) => e.status)
}

// A seed file gives an SPA's tests a known start: identities with plain passwords (hashed with scrypt at load) or
// scrypt hashes, and relation tuples.
emulatorTest('a JSON seed file loads identities (plain and pre-hashed passwords) and relation tuples', async (t, emu) => {
  const { client } = emu
  t.equal(emu.state.identities.size, 3)
  const ada = await identity.getIdentity(client, { id: '9f425a8d-7efc-4768-8f23-7647a74fdf13' })
  t.same(ada.body.traits, { email: 'ada@example.com', name: { first: 'Ada', last: 'Lovelace' } })
  t.same(ada.body.metadata_public, { role: 'admin' })
  t.equal(ada.body.verifiable_addresses?.[0]?.verified, true)
  t.match(emu.state.identities.get(ada.body.id)?.passwordHash, /^\$scrypt\$ln=16384,r=8,p=1\$/, 'plain passwords are hashed at load, at the default cost')

  t.equal(await signIn(client, 'ada@example.com', 'ada-seeded-secret'), 200)
  t.equal(await signIn(client, 'grace@example.com', 'grace-seeded-secret'), 200, 'the pre-hashed password')
  t.equal(await signIn(client, 'grace@example.com', 'ada-seeded-secret'), 400)
  t.equal(await signIn(client, 'former@example.com', 'former-seeded-secret'), 401, 'the inactive identity cannot sign in')

  const check = { namespace: 'Document', object: 'handbook', relation: 'viewers', subject_id: ada.body.id }
  t.same((await permission.checkPermission(client, check)).body, { allowed: true })
}, { seed: seedFile, passwordHashCost: undefined })

t.test('a seed can be given as an object, and a broken seed stops the start with a clear message', async t => {
  const emu = await startEmulator({ port: 0, seed: { identities: [{ traits: { email: 'x@example.com' }, password: 'x-seeded-secret' }] } })
  t.teardown(emu.close)
  t.equal(emu.state.identities.size, 1)

  await t.rejects(startEmulator({ port: 0, seed: '/nonexistent/seed.json' }), /cannot read the emulator seed/)
  await t.rejects(startEmulator({ port: 0, seed: { identities: [{ traits: { name: { first: 'no email' } } }] } }), /seed\.identities\[0\]: The traits are invalid/)
  await t.rejects(startEmulator({ port: 0, seed: { identities: [{ traits: { email: 'a@example.com' }, hashed_password: '$2a$12$bcrypt' }] } }), /scrypt/)
  await t.rejects(startEmulator({ port: 0, seed: { identities: [{ traits: { email: 'a@example.com' } }, { traits: { email: 'A@example.com' } }] } }), /seed\.identities\[1\]/)
  await t.rejects(startEmulator({ port: 0, seed: { relation_tuples: [{ namespace: 'n', object: 'o', relation: 'r' }] } }), /seed\.relation_tuples\[0\]/)
})
