import { identity } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// The bundled schema: email (password identifier, verified and recovered by email) and a first and last name.
emulatorTest('identity schemas: listed, and fetched by id or by the base64 id identities link to', async (t, emu) => {
  const { client } = emu
  const list = await identity.listIdentitySchemas(client)
  t.same(list.body.map(s => s.id), ['default'])
  const schema = list.body[0]!.schema as { properties: { traits: { properties: Record<string, { 'ory.sh/kratos'?: unknown }>, required: string[] } } }
  t.same(Object.keys(schema.properties.traits.properties), ['email', 'name'])
  t.same(schema.properties.traits.required, ['email'])
  t.same(schema.properties.traits.properties.email!['ory.sh/kratos'], {
    credentials: { password: { identifier: true } }, verification: { via: 'email' }, recovery: { via: 'email' }
  })

  t.same((await identity.getIdentitySchema(client, { id: 'default' })).body, list.body[0]!.schema)
  t.same((await identity.getIdentitySchema(client, { id: 'ZGVmYXVsdA' })).body, list.body[0]!.schema, 'as in schema_url')
  await oryError(t, identity.getIdentitySchema(client, { id: 'unknown' }), 404)
})

emulatorTest('custom identity schemas replace the bundled one', async (t, emu) => {
  const list = await identity.listIdentitySchemas(emu.client)
  t.same(list.body.map(s => s.id), ['default'])
  const created = await identity.createIdentity(emu.client, { body: { schema_id: 'default', traits: { username: 'ada' } } })
  t.same(created.body.traits, { username: 'ada' })
  await oryError(t, identity.createIdentity(emu.client, { body: { schema_id: 'default', traits: { username: 'ada' } } }), 409)
}, {
  identitySchemas: {
    default: {
      type: 'object',
      properties: {
        traits: {
          type: 'object',
          properties: { username: { type: 'string', minLength: 2, 'ory.sh/kratos': { credentials: { password: { identifier: true } } } } },
          required: ['username']
        }
      }
    }
  }
})
