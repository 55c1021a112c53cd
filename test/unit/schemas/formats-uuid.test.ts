import t from 'tap'
import { Identity, NullUUID, UUID } from '../../../src/schemas/index.js'
import { formats } from '../../../src/schemas/formats.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

const uuids = [
  '010543b1-8bd4-41ba-8670-8dad4e7bc617',
  '010543B1-8BD4-41BA-8670-8DAD4E7BC617',
  '00000000-0000-0000-0000-000000000000',
  '0195a3c2-7d41-7b3e-9c1f-2a4b6c8d0e1f'
]
const garbage = [
  '',
  'maria',
  '010543b18bd441ba86708dad4e7bc617',
  '{010543b1-8bd4-41ba-8670-8dad4e7bc617}',
  'urn:uuid:010543b1-8bd4-41ba-8670-8dad4e7bc617',
  '010543b1-8bd4-41ba-8670-8dad4e7bc61',
  '010543b1-8bd4-41ba-8670-8dad4e7bc6170',
  '010543g1-8bd4-41ba-8670-8dad4e7bc617'
]

t.test("uuid and Ory's uuid4 accept UUIDs and reject garbage", async t => {
  t.equal(UUID.format, 'uuid4', "the spec's UUID model uses Ory's own format name")
  for (const name of ['uuid', 'uuid4'] as const) {
    const check = formats[name]!
    for (const value of uuids) t.ok(check(value), `${name} accepts ${value}`)
    for (const value of garbage) t.notOk(check(value), `${name} rejects ${JSON.stringify(value)}`)
  }

  const { identity } = fixture('session.json')
  t.same(validate(Identity, { ...identity, id: uuids[0], organization_id: uuids[3] }), [])
  t.same(validate(Identity, { ...identity, id: 'maria' }).map(issue => issue.path), ['/id'], 'format uuid')
  t.same(validate(Identity, { ...identity, organization_id: 'acme' }).map(issue => issue.path), ['/organization_id'], 'format uuid4 (NullUUID)')
  t.same(validate(NullUUID, null), [])
  t.not(validate(UUID, null).length, 0, 'UUID is not nullable, NullUUID is')
})
