import t from 'tap'
import { UpdateSettingsFlowBody } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { matchingBranches } from '../../helpers/union-branches.js'

// The settings branches declare `method` as a bare string; { method, traits } would match profile, oidc and saml of a
// plain oneOf, and { method, csrf_token } every branch without a required field.
t.test('updateSettingsFlowBody selects its branch by method', async t => {
  const bodies: Record<string, Record<string, unknown>> = {
    updateSettingsFlowWithProfileMethod: { method: 'profile', traits: { email: 'm.kowalski@example.org' }, csrf_token: 'x' },
    updateSettingsFlowWithPasswordMethod: { method: 'password', password: 'n3w-h0rse-battery', csrf_token: 'x' },
    updateSettingsFlowWithTotpMethod: { method: 'totp', totp_code: '284610', csrf_token: 'x' },
    updateSettingsFlowWithLookupMethod: { method: 'lookup_secret', lookup_secret_reveal: true, csrf_token: 'x' },
    updateSettingsFlowWithWebAuthnMethod: { method: 'webauthn', webauthn_remove: 'a1b2c3', csrf_token: 'x' },
    updateSettingsFlowWithPasskeyMethod: { method: 'passkey', passkey_remove: 'a1b2c3', csrf_token: 'x' },
    updateSettingsFlowWithOidcMethod: { method: 'oidc', link: 'github' },
    updateSettingsFlowWithSamlMethod: { method: 'saml', unlink: 'okta-acme', csrf_token: 'x' }
  }

  t.test('each method is accepted by exactly its own branch', async t => {
    for (const [branch, body] of Object.entries(bodies)) {
      t.same(validate(UpdateSettingsFlowBody, body), [], `${String(body.method)} is accepted`)
      t.same(matchingBranches('updateSettingsFlowBody', body), [branch])
    }
  })

  t.test('a lookup_secret body with a non-boolean flag is judged by the lookup branch', async t => {
    const body = { method: 'lookup_secret', lookup_secret_reveal: 'yes' }
    t.same(validate(UpdateSettingsFlowBody, body).map(issue => issue.path), ['/lookup_secret_reveal'])
  })

  t.test('an unknown method is rejected at /method', async t => {
    t.same(validate(UpdateSettingsFlowBody, { method: 'code', code: '123456' }).map(issue => issue.path), ['/method'])
  })
})
