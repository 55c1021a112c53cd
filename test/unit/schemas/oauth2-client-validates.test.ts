import t from 'tap'
import { OAuth2Client } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

// Shaped after Hydra's GET /admin/clients/{id} answers (client/.snapshots in ory/hydra): empty lists rather than
// missing ones, `jwks: {}`, `metadata: {}` and null token lifespans when none is set.
t.test('an OAuth2 client as Hydra returns it validates against oAuth2Client', async t => {
  const client = fixture('oauth2-client.json')
  t.same(validate(OAuth2Client, client), [])
  t.equal(client.authorization_code_grant_access_token_lifespan, null, 'unset lifespans are null')
  t.same(client.contacts, [], 'unset lists are empty')
  t.same(client.jwks, {}, 'and so is the key set')
})
