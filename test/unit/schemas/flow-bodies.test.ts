import t from 'tap'
import { UpdateLoginFlowBody, UpdateRecoveryFlowBody, UpdateRecoveryFlowWithCodeMethod, UpdateRegistrationFlowBody, UpdateSettingsFlowBody, UpdateVerificationFlowBody, UpdateVerificationFlowWithCodeMethod } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { matchingBranches } from '../../helpers/union-branches.js'

// The spec's login branches declare `method` as a bare string, so the password body below matches the password,
// webauthn, code, passkey and identifier_first branches of a plain oneOf. The generator pins each branch's method to
// its discriminator mapping value (normalizeSpec), which makes the branches exclusive.
const password = { method: 'password', identifier: 'maria.kowalski@example.com', password: 'c0rrect-h0rse-battery', csrf_token: 'kQ7xv2l0S8y3m1N9cB5dW4eR6tY8uI0o' }

t.test('updateLoginFlowBody selects its branch by method', async t => {
  t.test('a password login is accepted, by the password branch alone', async t => {
    t.same(validate(UpdateLoginFlowBody, password), [])
    t.same(matchingBranches('updateLoginFlowBody', password), ['updateLoginFlowWithPasswordMethod'])
  })

  t.test('every method of the mapping is accepted by exactly its own branch', async t => {
    const bodies: Record<string, Record<string, unknown>> = {
      password,
      oidc: { method: 'oidc', provider: 'google', csrf_token: 'x' },
      saml: { method: 'saml', provider: 'okta-acme', csrf_token: 'x' },
      totp: { method: 'totp', totp_code: '492039', csrf_token: 'x' },
      webauthn: { method: 'webauthn', identifier: 'maria.kowalski@example.com', webauthn_login: '{"id":"AbC"}', csrf_token: 'x' },
      lookup_secret: { method: 'lookup_secret', lookup_secret: 'k4p7-2m9q', csrf_token: 'x' },
      code: { method: 'code', identifier: 'maria.kowalski@example.com', csrf_token: 'x' },
      passkey: { method: 'passkey', passkey_login: '{"id":"AbC"}', csrf_token: 'x' },
      identifier_first: { method: 'identifier_first', identifier: 'maria.kowalski@example.com', csrf_token: 'x' }
    }
    for (const [method, body] of Object.entries(bodies)) {
      t.same(validate(UpdateLoginFlowBody, body), [], `${method} is accepted`)
      t.equal(matchingBranches('updateLoginFlowBody', body).length, 1, `${method} matches one branch`)
    }
  })

  t.test('an unknown method is rejected at /method', async t => {
    const issues = validate(UpdateLoginFlowBody, { ...password, method: 'magic_link' })
    t.same(issues.map(issue => issue.path), ['/method'])
    t.match(issues[0]?.message, /"password"/)
  })

  t.test('a body without method is rejected at /method', async t => {
    const { method: _method, ...body } = password
    t.same(validate(UpdateLoginFlowBody, body).map(issue => issue.path), ['/method'])
  })

  t.test('the method decides which fields are required', async t => {
    const { password: _password, ...withoutPassword } = password
    t.same(validate(UpdateLoginFlowBody, withoutPassword).map(issue => issue.path), ['/password', '/password'])
    t.same(validate(UpdateLoginFlowBody, { ...withoutPassword, method: 'identifier_first' }), [], 'the same fields are a valid identifier_first body')
  })
})

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

// Both recovery branches declare `method` with `enum: [link, code]`; only the discriminator mapping separates them,
// and the generator pins the code branch to "code" and the link branch to "link".
t.test('updateRecoveryFlowBody selects its branch by method', async t => {
  t.test('{ method: code, email } is accepted, by the code branch alone', async t => {
    const body = { method: 'code', email: 'maria.kowalski@example.com', csrf_token: 'x' }
    t.same(validate(UpdateRecoveryFlowBody, body), [])
    t.same(matchingBranches('updateRecoveryFlowBody', body), ['updateRecoveryFlowWithCodeMethod'])
  })

  t.test('{ method: link, email } is accepted, by the link branch alone', async t => {
    const body = { method: 'link', email: 'maria.kowalski@example.com', csrf_token: 'x' }
    t.same(validate(UpdateRecoveryFlowBody, body), [])
    t.same(matchingBranches('updateRecoveryFlowBody', body), ['updateRecoveryFlowWithLinkMethod'])
  })

  t.test('submitting the code is accepted as a code body', async t => {
    const body = { method: 'code', code: '748302', csrf_token: 'x' }
    t.same(matchingBranches('updateRecoveryFlowBody', body), ['updateRecoveryFlowWithCodeMethod'])
  })

  t.test('a code-shaped body tagged link is judged as a link body and rejected', async t => {
    const body = { method: 'link', code: '748302', csrf_token: 'x' }
    t.same(validate(UpdateRecoveryFlowBody, body).map(issue => issue.path), ['/email', '/email'], 'the link branch needs email')
    t.same(validate(UpdateRecoveryFlowWithCodeMethod, body).map(issue => issue.path), ['/method'], 'the code branch no longer takes method "link", which its own enum allows')
    t.same(matchingBranches('updateRecoveryFlowBody', body), [])
  })

  t.test('an unknown method is rejected at /method', async t => {
    t.same(validate(UpdateRecoveryFlowBody, { method: 'sms', email: 'maria.kowalski@example.com' }).map(issue => issue.path), ['/method'])
  })
})

// As in recovery, both verification branches declare `method` with `enum: [link, code]`; the generator pins each to
// its discriminator mapping value.
t.test('updateVerificationFlowBody selects its branch by method', async t => {
  t.test('{ method: code, email } and { method: code, code } are accepted, by the code branch alone', async t => {
    for (const body of [{ method: 'code', email: 'maria.kowalski@example.com' }, { method: 'code', code: '015233' }]) {
      t.same(validate(UpdateVerificationFlowBody, body), [])
      t.same(matchingBranches('updateVerificationFlowBody', body), ['updateVerificationFlowWithCodeMethod'])
    }
  })

  t.test('{ method: link, email } is accepted, by the link branch alone', async t => {
    const body = { method: 'link', email: 'maria.kowalski@example.com', csrf_token: 'x' }
    t.same(validate(UpdateVerificationFlowBody, body), [])
    t.same(matchingBranches('updateVerificationFlowBody', body), ['updateVerificationFlowWithLinkMethod'])
  })

  t.test('a code-shaped body tagged link is judged as a link body and rejected', async t => {
    const body = { method: 'link', code: '015233' }
    t.same(validate(UpdateVerificationFlowBody, body).map(issue => issue.path), ['/email', '/email'])
    t.same(validate(UpdateVerificationFlowWithCodeMethod, body).map(issue => issue.path), ['/method'])
  })

  t.test('an unknown method is rejected at /method', async t => {
    t.same(validate(UpdateVerificationFlowBody, { method: 'magic', email: 'maria.kowalski@example.com' }).map(issue => issue.path), ['/method'])
  })
})
