import t from 'tap'
import { AcceptOAuth2ConsentRequest, Identity, IdentityTraits, JSONRawMessage, LoginFlow, NullJsonRawMessage, OAuth2ConsentRequest, UpdateLoginFlowBody } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

// Whatever an identity schema, a webhook or a login app puts there: nested objects, arrays, numbers, booleans, null.
const anything = {
  string: 'Kraków',
  number: 12.5,
  integer: -3,
  boolean: false,
  null: null,
  list: [1, 'two', { three: [3] }, null],
  nested: { deeper: { deepest: ['a', { b: true }] } },
  'key with spaces/and slashes': 'fine'
}

t.test('free-form values accept any JSON', async t => {
  t.test('identity traits are any JSON value (the identity schema, not the spec, decides)', async t => {
    for (const traits of [anything, { email: 'maria.kowalski@example.com' }, {}, 'a string', 42, [1, 2], true]) {
      t.same(validate(IdentityTraits, traits), [], JSON.stringify(traits))
    }
    const session = fixture('session.json')
    t.same(validate(Identity, { ...session.identity, traits: anything }), [], 'inside an identity too')
  })

  t.test('metadata_public and metadata_admin are any JSON object, or null', async t => {
    const { identity } = fixture('session.json')
    for (const metadata of [anything, {}, null]) {
      t.same(validate(NullJsonRawMessage, metadata), [])
      t.same(validate(Identity, { ...identity, metadata_public: metadata, metadata_admin: metadata }), [])
    }
  })

  t.test('transient_payload is any JSON object, on flows and on update bodies', async t => {
    const flow = fixture('login-flow-browser.json')
    t.same(validate(LoginFlow, { ...flow, transient_payload: anything }), [])
    const body = { method: 'password', identifier: 'maria.kowalski@example.com', password: 'c0rrect-h0rse-battery', transient_payload: anything }
    t.same(validate(UpdateLoginFlowBody, body), [])
  })

  t.test('a JSONRawMessage-typed context is any JSON object', async t => {
    t.same(validate(JSONRawMessage, anything), [])
    t.same(validate(AcceptOAuth2ConsentRequest, { grant_scope: ['openid'], context: anything }), [])
    t.same(validate(OAuth2ConsentRequest, { challenge: 'b8a3c7f2e1d04a9b', context: anything }), [])
  })

  // Kratos' method schemas declare transient_payload an object (selfservice/strategy/*/.schema), so the BFF may
  // reject anything else before it reaches Ory.
  t.test('but a transient_payload is still an object', async t => {
    const body = { method: 'password', identifier: 'maria.kowalski@example.com', password: 'c0rrect-h0rse-battery', transient_payload: 'text' }
    t.same(validate(UpdateLoginFlowBody, body).map(issue => issue.path), ['/transient_payload'])
  })
})
