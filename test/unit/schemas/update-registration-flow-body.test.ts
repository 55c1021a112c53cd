import t from 'tap'
import { UpdateRegistrationFlowBody } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { matchingBranches } from '../../helpers/union-branches.js'

const traits = { email: 'maria.kowalski@example.com', name: { first: 'Maria', last: 'Kowalski' } }

// The registration branches declare `method` as a bare string; a password registration (method, password, traits)
// would also satisfy the profile, code, passkey and webauthn branches of a plain oneOf.
t.test('updateRegistrationFlowBody selects its branch by method', async t => {
  t.test('a password registration is accepted, by the password branch alone', async t => {
    const body = { method: 'password', password: 'c0rrect-h0rse-battery', traits, csrf_token: 'x' }
    t.same(validate(UpdateRegistrationFlowBody, body), [])
    t.same(matchingBranches('updateRegistrationFlowBody', body), ['updateRegistrationFlowWithPasswordMethod'])
  })

  t.test('the other methods are each accepted by their own branch', async t => {
    const bodies: Record<string, Record<string, unknown>> = {
      updateRegistrationFlowWithProfileMethod: { method: 'profile', traits, screen: 'credential-selection' },
      updateRegistrationFlowWithCodeMethod: { method: 'code', traits, code: '390151' },
      updateRegistrationFlowWithOidcMethod: { method: 'oidc', provider: 'github' },
      updateRegistrationFlowWithSamlMethod: { method: 'saml', provider: 'okta-acme' },
      updateRegistrationFlowWithWebAuthnMethod: { method: 'webauthn', traits, webauthn_register: '{"id":"AbC"}', webauthn_register_displayname: 'YubiKey 5' },
      updateRegistrationFlowWithPasskeyMethod: { method: 'passkey', traits, passkey_register: '{"id":"AbC"}' }
    }
    for (const [branch, body] of Object.entries(bodies)) {
      t.same(validate(UpdateRegistrationFlowBody, body), [], `${String(body.method)} is accepted`)
      t.same(matchingBranches('updateRegistrationFlowBody', body), [branch])
    }
  })

  t.test('a password registration without traits is rejected at /traits', async t => {
    t.same(validate(UpdateRegistrationFlowBody, { method: 'password', password: 'c0rrect-h0rse-battery' }).map(issue => issue.path), ['/traits', '/traits'])
  })

  t.test('an unknown method is rejected at /method', async t => {
    t.same(validate(UpdateRegistrationFlowBody, { method: 'totp', traits }).map(issue => issue.path), ['/method'], 'totp signs in, it does not register')
  })
})
