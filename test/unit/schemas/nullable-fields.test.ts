import t from 'tap'
import { Identity, LoginFlow, models, NullBool, NullBoolLower, NullTime, NullTimeLower, NullUUID, OAuth2Client, UiNodeInputAttributes } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

t.test('nullable fields accept null', async t => {
  t.test('NullTime and nullTime, which differ only by case, are two models with their own $id', async t => {
    t.equal(NullTime.$id, 'NullTime')
    t.equal(NullTimeLower.$id, 'nullTime')
    t.equal(models.NullTime, NullTime)
    t.equal(models.nullTime, NullTimeLower)
    t.not(NullTime, NullTimeLower)
    t.same(validate(NullTime, null), [], 'NullTime (nullable: true) accepts null')
    t.same(validate(NullTime, '2025-03-04T08:43:02.131207Z'), [], 'and a date-time')
    t.same(validate(NullTimeLower, '2025-03-04T08:43:02.131207Z'), [], 'nullTime accepts a date-time')
    t.not(validate(NullTime, 'tomorrow').length, 0, 'neither accepts a string that is no date-time')
    t.not(validate(NullTimeLower, 'tomorrow').length, 0)
  })

  t.test('NullBool and nullBool likewise', async t => {
    t.equal(NullBool.$id, 'NullBool')
    t.equal(NullBoolLower.$id, 'nullBool')
    for (const schema of [NullBool, NullBoolLower]) {
      t.same(validate(schema, null), [])
      t.same(validate(schema, true), [])
      t.not(validate(schema, 'true').length, 0)
    }
  })

  t.test("an input node's value is null, a string, a number or a boolean", async t => {
    const attributes = { name: 'traits.age', type: 'number', disabled: false, node_type: 'input' }
    for (const value of [null, '', 'maria.kowalski@example.com', 0, 37.5, true, false]) {
      t.same(validate(UiNodeInputAttributes, { ...attributes, value }), [], JSON.stringify(value))
    }
  })

  t.test('organization_id (NullUUID) and metadata_public (nullJsonRawMessage) of an identity are null', async t => {
    const { identity } = fixture('session.json')
    t.same(validate(Identity, { ...identity, organization_id: null, metadata_public: null, metadata_admin: null }), [])
    t.same(validate(NullUUID, null), [])
    const flow = fixture('login-flow-browser.json')
    t.same(validate(LoginFlow, { ...flow, organization_id: null }), [])
  })

  t.test("an OAuth2 client's unset token lifespans (NullDuration) are null", async t => {
    const client = fixture('oauth2-client.json')
    const lifespans = Object.keys(client).filter(key => key.endsWith('_lifespan'))
    t.ok(lifespans.length >= 10)
    for (const key of lifespans) t.equal(client[key], null, key)
    t.same(validate(OAuth2Client, client), [])
  })

  t.test('a field that is not nullable rejects null', async t => {
    const { identity } = fixture('session.json')
    t.same(validate(Identity, { ...identity, schema_id: null }).map(issue => issue.path), ['/schema_id'])
  })
})
