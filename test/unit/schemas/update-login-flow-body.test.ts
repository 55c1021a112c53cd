import t from 'tap'
import { UpdateLoginFlowBody } from '../../../src/schemas/index.js'
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
