import { createHash } from 'node:crypto'
import t from 'tap'
import { parseForm } from '../../../src/mirror/form.js'
import { hashIdentifier, identifiersOf, IDENTIFIER_OPERATIONS, MAX_IDENTIFIERS, normaliseIdentifier } from '../../../src/rate-limit/identifier.js'

const ADA = hashIdentifier('ada@example.com')

t.test('the four flow submits name their identifiers; no other operation does', async t => {
  t.same([...IDENTIFIER_OPERATIONS].sort(), ['updateLoginFlow', 'updateRecoveryFlow', 'updateRegistrationFlow', 'updateVerificationFlow'])
  t.same(identifiersOf('updateSettingsFlow', { identifier: 'ada@example.com', traits: { email: 'ada@example.com' } }), [])
  t.same(identifiersOf('unknownOperation', { identifier: 'ada@example.com' }), [])
})

t.test('login: the identifier field, as JSON and as a form', async t => {
  t.same(identifiersOf('updateLoginFlow', { method: 'password', identifier: 'ada@example.com', password: 'x' }), [ADA])
  t.same(identifiersOf('updateLoginFlow', parseForm('method=password&identifier=ada%40example.com&password=x')), [ADA])
  t.same(identifiersOf('updateLoginFlow', { method: 'code', identifier: 'ada@example.com' }), [ADA], 'the code method too')
})

t.test('recovery and verification: the email field', async t => {
  t.same(identifiersOf('updateRecoveryFlow', { method: 'code', email: 'ada@example.com' }), [ADA])
  t.same(identifiersOf('updateVerificationFlow', parseForm('method=link&email=ada%40example.com')), [ADA])
  t.same(identifiersOf('updateRecoveryFlow', { method: 'code', code: '123456' }), [], 'a code submit without the address names none')
})

t.test('registration: the first identifier trait present (email, then username, then phone)', async t => {
  t.same(identifiersOf('updateRegistrationFlow', { method: 'password', traits: { email: 'ada@example.com', username: 'ada' } }), [ADA])
  t.same(identifiersOf('updateRegistrationFlow', parseForm('method=password&traits.email=ada%40example.com&traits.name.first=Ada')), [ADA])
  t.same(identifiersOf('updateRegistrationFlow', { traits: { username: 'Ada' } }), [hashIdentifier('ada')])
  t.same(identifiersOf('updateRegistrationFlow', parseForm('traits.phone=%2B4915112345678')), [hashIdentifier('+4915112345678')])
  t.same(identifiersOf('updateRegistrationFlow', { traits: { email: '  ', username: 'ada' } }), [hashIdentifier('ada')], 'a blank email does not count')
  t.same(identifiersOf('updateRegistrationFlow', { traits: { name: { first: 'Ada' } } }), [])
})

t.test('normalised: trimmed and lower-cased, so case and spaces do not make a new count', async t => {
  t.equal(normaliseIdentifier('  Ada@Example.COM\t'), 'ada@example.com')
  t.same(identifiersOf('updateLoginFlow', { identifier: ' ADA@example.com ' }), [ADA])
})

t.test('hashed: SHA-256, base64url, never the value itself', async t => {
  t.match(ADA, /^[A-Za-z0-9_-]{43}$/)
  t.not(ADA, createHash('sha256').update('ada@example.com').digest('base64url'), 'with its own prefix, not a bare SHA-256 a lookup table holds')
  t.notOk(ADA.includes('ada'))
})

t.test('every value of a repeated form field counts, whichever one Ory reads, up to a bound', async t => {
  const bob = hashIdentifier('bob@example.com')
  t.same(identifiersOf('updateLoginFlow', parseForm('identifier=ada%40example.com&identifier=bob%40example.com')), [ADA, bob])
  t.same(identifiersOf('updateLoginFlow', parseForm('identifier=ada%40example.com&identifier=ADA%40example.com')), [ADA], 'the same identifier once')
  const many = Array.from({ length: 20 }, (_, i) => `identifier=u${i}%40example.com`).join('&')
  t.equal(identifiersOf('updateLoginFlow', parseForm(many)).length, MAX_IDENTIFIERS)
})

t.test('anything that is not a string names nothing', async t => {
  for (const body of [null, undefined, 'ada@example.com', ['ada@example.com'], { identifier: 42 }, { identifier: { email: 'ada@example.com' } }, { identifier: [1, 2] }]) {
    t.same(identifiersOf('updateLoginFlow', body), [], JSON.stringify(body) ?? 'undefined')
  }
  t.same(identifiersOf('updateRegistrationFlow', { traits: 'ada@example.com' }), [])
  t.same(identifiersOf('updateRegistrationFlow', { traits: null }), [])
})

t.test('a JSON body\'s prototype keys are not fields', async t => {
  t.same(identifiersOf('updateLoginFlow', JSON.parse('{"__proto__": {"identifier": "ada@example.com"}}')), [])
  t.same(identifiersOf('updateRegistrationFlow', { traits: Object.create({ email: 'ada@example.com' }) }), [])
})
