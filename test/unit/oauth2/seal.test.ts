import t from 'tap'
import { randomBytes } from 'node:crypto'
import { SealError, Sealer, decryptWithKey, encryptWithKey, randomKey } from '../../../src/oauth2/seal.js'

// Sealed values: AES-256-GCM under keys derived per secret and purpose. What is checked is what an attacker with the
// browser's cookies could try: change a byte, cut the value short, bring one sealed elsewhere, keep it past its
// expiry, or move it into another cookie.

const OLD = 'old-secret-0123456789-0123456789-0123456789'
const NEW = 'new-secret-0123456789-0123456789-0123456789'
const FOREIGN = 'foreign-secret-0123456789-0123456789-012345'
const NOW = 1_700_000_000
const LATER = NOW + 3600

function reason (fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    if (err instanceof SealError) return err.reason
    throw err
  }
  return undefined
}

function flip (sealed: string, index: number): string {
  const parts = sealed.split('.')
  const body = Buffer.from(parts[3]!, 'base64url')
  body[index % body.length]! ^= 0x01
  parts[3] = body.toString('base64url')
  return parts.join('.')
}

t.test('round trip: the value comes back, and the envelope names its version and key', async t => {
  const sealer = new Sealer([NEW], 'token-session')
  const value = { id: 'abc', nested: { list: [1, 2, 3] }, text: 'é' }
  const sealed = sealer.seal(value, LATER, 'bff_session')
  t.match(sealed, /^v1\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
  t.same(sealer.open(sealed, 'bff_session', NOW), value)
  t.not(sealer.seal(value, LATER, 'bff_session'), sealed, 'a fresh IV each time')
  t.notOk(sealed.includes('abc'), 'nothing of the value shows')
})

t.test('a changed byte anywhere in the ciphertext or tag → tampered', async t => {
  const sealer = new Sealer([NEW], 'token-session')
  const sealed = sealer.seal({ a: 1 }, LATER, 'c')
  const length = Buffer.from(sealed.split('.')[3]!, 'base64url').length
  for (const index of [0, 5, length - 17, length - 1]) t.equal(reason(() => sealer.open(flip(sealed, index), 'c', NOW)), 'tampered', `byte ${index}`)
  const parts = sealed.split('.')
  const iv = Buffer.from(parts[2]!, 'base64url')
  iv[0]! ^= 1
  t.equal(reason(() => sealer.open([parts[0], parts[1], iv.toString('base64url'), parts[3]].join('.'), 'c', NOW)), 'tampered', 'the IV')
})

t.test('truncated or not an envelope → malformed or tampered, never a value', async t => {
  const sealer = new Sealer([NEW], 'token-session')
  const sealed = sealer.seal({ a: 1 }, LATER, 'c')
  t.equal(reason(() => sealer.open(sealed.slice(0, -4), 'c', NOW)), 'tampered', 'cut inside the tag')
  t.equal(reason(() => sealer.open(sealed.slice(0, sealed.lastIndexOf('.') + 10), 'c', NOW)), 'malformed', 'shorter than a tag')
  t.equal(reason(() => sealer.open(sealed.slice(0, sealed.lastIndexOf('.')), 'c', NOW)), 'malformed', 'no ciphertext part')
  for (const bad of ['', 'v1', 'v2.a.b.c', 'v1...', 'v1.a.b.c.d', 'v1.a+b.c.d', `v1.${sealed.split('.')[1]}.AAAA.${sealed.split('.')[3]}`]) {
    t.equal(reason(() => sealer.open(bad, 'c', NOW)), 'malformed', JSON.stringify(bad))
  }
})

t.test('sealed under a secret not in the list, or for another purpose → unknown_key', async t => {
  const foreign = new Sealer([FOREIGN], 'token-session').seal({ a: 1 }, LATER, 'c')
  t.equal(reason(() => new Sealer([NEW, OLD], 'token-session').open(foreign, 'c', NOW)), 'unknown_key')
  const transaction = new Sealer([NEW], 'oauth2-transaction').seal({ a: 1 }, LATER, 'c')
  t.equal(reason(() => new Sealer([NEW], 'token-session').open(transaction, 'c', NOW)), 'unknown_key', 'purposes have keys of their own')
})

t.test('expired: the expiry is sealed with the value and checked on open', async t => {
  const sealer = new Sealer([NEW], 'token-session')
  const sealed = sealer.seal({ a: 1 }, NOW + 10, 'c')
  t.same(sealer.open(sealed, 'c', NOW + 9.999), { a: 1 })
  t.equal(reason(() => sealer.open(sealed, 'c', NOW + 10)), 'expired')
  t.equal(reason(() => sealer.open(sealed, 'c')), 'expired', 'the default clock is now')
})

t.test('rotation: the first secret seals, every secret opens', async t => {
  const before = new Sealer([OLD], 'token-session').seal({ v: 'old' }, LATER, 'c')
  const rotated = new Sealer([NEW, OLD], 'token-session')
  t.same(rotated.open(before, 'c', NOW), { v: 'old' }, 'sealed with the old secret opens')
  const after = rotated.seal({ v: 'new' }, LATER, 'c')
  t.same(new Sealer([NEW], 'token-session').open(after, 'c', NOW), { v: 'new' }, 'new seals use the new secret')
  t.equal(reason(() => new Sealer([OLD], 'token-session').open(after, 'c', NOW)), 'unknown_key')
  t.not(after.split('.')[1], before.split('.')[1], 'key ids differ')
})

t.test('aad: a value moved into another cookie does not open', async t => {
  const sealer = new Sealer([NEW], 'token-session')
  const sealed = sealer.seal({ a: 1 }, LATER, 'bff_session')
  t.equal(reason(() => sealer.open(sealed, 'bff_tx', NOW)), 'tampered')
  t.equal(reason(() => sealer.open(sealed, undefined, NOW)), 'tampered')
  t.same(new Sealer([NEW], 'p').open(new Sealer([NEW], 'p').seal(1, LATER), undefined, NOW), 1, 'no aad on either side')
})

t.test('constructor refuses no secrets and no purpose', async t => {
  t.throws(() => new Sealer([], 'p'), TypeError)
  t.throws(() => new Sealer([NEW], ''), TypeError)
})

t.test('encryptWithKey / decryptWithKey: round trip, wrong key, wrong aad, changed bytes', async t => {
  const key = randomKey()
  t.equal(key.length, 32)
  const sealed = encryptWithKey(key, '{"token":"secret"}', 'session-id')
  t.equal(decryptWithKey(key, sealed, 'session-id').toString(), '{"token":"secret"}')
  t.notOk(sealed.includes('secret'))
  const reasonOf = (fn: () => unknown): string | undefined => reason(fn)
  t.equal(reasonOf(() => decryptWithKey(randomKey(), sealed, 'session-id')), 'tampered', 'another key')
  t.equal(reasonOf(() => decryptWithKey(key, sealed, 'other-id')), 'tampered', 'another aad')
  const [iv, body] = sealed.split('.') as [string, string]
  const bytes = Buffer.from(body, 'base64url')
  bytes[0]! ^= 1
  t.equal(reasonOf(() => decryptWithKey(key, `${iv}.${bytes.toString('base64url')}`, 'session-id')), 'tampered', 'a changed byte')
  t.equal(reasonOf(() => decryptWithKey(key, 'nope', 'session-id')), 'malformed')
  t.equal(reasonOf(() => decryptWithKey(randomBytes(16), sealed, 'session-id')), 'malformed', 'a short key')
  t.throws(() => encryptWithKey(randomBytes(16), 'x', 'a'), TypeError)
})
