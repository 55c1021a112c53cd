import t from 'tap'
import { Session } from '../../../src/schemas/index.js'
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
