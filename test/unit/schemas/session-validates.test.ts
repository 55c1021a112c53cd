import t from 'tap'
import { Identity, Session } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

// Shaped after /sessions/whoami answers of Kratos and Ory Network (aal2 after password + TOTP).
t.test('a session with its identity, addresses, authentication methods and devices validates against session', async t => {
  const session = fixture('session.json')
  t.same(validate(Session, session), [], 'the whole session is valid')
  t.same(validate(Identity, session.identity), [], 'and its identity on its own')

  t.equal(session.authenticator_assurance_level, 'aal2')
  t.same(session.authentication_methods.map((m: { method: string }) => m.method), ['password', 'totp'])
  t.equal(session.identity.metadata_public, null, 'metadata_public is null, as Kratos sends it when unset')
  t.equal(session.identity.organization_id, null, 'organization_id is null outside an organization')
  t.ok(session.identity.verifiable_addresses.length > 0 && session.identity.recovery_addresses.length > 0)
  t.ok(session.devices.length > 0)
})
