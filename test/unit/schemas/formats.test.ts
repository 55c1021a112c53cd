import t from 'tap'
import { Identity, NullUUID, Session, UUID } from '../../../src/schemas/index.js'
import { formats } from '../../../src/schemas/formats.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

// Go writes RFC 3339 with as many fraction digits as it has (0 to 9) and Z, or the zone's offset.
const accepted = [
  '2025-03-04T08:43:02Z',
  '2025-03-04T08:43:02.1Z',
  '2025-03-04T08:43:02.131207Z',
  '2025-03-04T08:43:02.131195744Z',
  '2025-03-04T09:43:02.131207+01:00',
  '2025-03-03T23:13:02-09:30',
  '2025-03-04t08:43:02z',
  '2025-03-04 08:43:02Z',
  '0001-01-01T00:00:00Z',
  '2024-02-29T12:00:00Z',
  '2016-12-31T23:59:60Z',
  '2017-01-01T00:59:60+01:00'
]

const rejected = [
  '',
  'yesterday',
  '2025-03-04',
  '2025-03-04T08:43:02',
  '2025-03-04T08:43Z',
  '2025-3-4T08:43:02Z',
  '2025-03-04T08:43:02.Z',
  '2025-03-04T08:43:02+0100',
  '2025-03-04T08:43:02 +01:00',
  '2025-02-29T12:00:00Z',
  '2025-04-31T12:00:00Z',
  '2025-13-01T12:00:00Z',
  '2025-03-04T24:00:00Z',
  '2025-03-04T08:60:00Z',
  '2025-03-04T08:43:60Z',
  '2025-03-04T08:43:02+24:00',
  '1741077782',
  ' 2025-03-04T08:43:02Z'
]

t.test('date-time accepts RFC 3339 as Ory writes it and rejects everything else', async t => {
  const isDateTime = formats['date-time']!
  for (const value of accepted) t.ok(isDateTime(value), `accepts ${value}`)
  for (const value of rejected) t.notOk(isDateTime(value), `rejects ${JSON.stringify(value)}`)

  const session = fixture('session.json')
  for (const value of accepted) t.same(validate(Session, { ...session, expires_at: value }), [], `a session expiring at ${value}`)
  for (const value of rejected) {
    t.same(validate(Session, { ...session, expires_at: value }).map(issue => issue.path), ['/expires_at'], `not one expiring at ${JSON.stringify(value)}`)
  }
})

// Ory reads durations with Go's time.ParseDuration and writes them with time.Duration.String(): Hydra answers a client
// lifespan set to "1h" with "1h0m0s" (ory/x sqlxx.NullDuration).
t.test("duration accepts Go's duration syntax, including Ory's own output", async t => {
  const isDuration = formats.duration!
  const accepted = ['0', '1h', '1h0m0s', '31h0m0s', '720h0m0s', '1m30s', '1.5h', '.5s', '300ms', '1500us', '1500µs', '1500μs', '42ns', '-1h', '+2m']
  const rejected = ['', 'h', '1', '1d', '1 h', '1H', 'P1D', 'PT1H', '1h-30m', '1.5.5h', 'one hour', '00']
  for (const value of accepted) t.ok(isDuration(value), `accepts ${value}`)
  for (const value of rejected) t.notOk(isDuration(value), `rejects ${JSON.stringify(value)}`)
})

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
