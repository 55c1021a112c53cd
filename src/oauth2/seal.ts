// Authenticated encryption of the BFF's own cookies and of the Redis store's records. AES-256-GCM (NIST SP 800-38D):
// confidentiality and integrity in one, with a random 96-bit IV per message (SP 800-38D §8.2.2: at 2^32 messages per
// key the collision bound still holds, and every seal here is one message). Keys are never the COOKIE_SECRET itself:
// HKDF-SHA256 (RFC 5869) derives one key per secret and purpose, so a transaction cookie can never be opened as a
// token session, and a leaked derived key does not reveal the secret.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

export type SealErrorReason = 'malformed' | 'unknown_key' | 'tampered' | 'expired'

/** A sealed value that cannot be opened; `reason` says why, never anything of the value or the key. */
export class SealError extends Error {
  override name = 'SealError'
  readonly reason: SealErrorReason

  constructor (reason: SealErrorReason, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.reason = reason
  }
}

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32
// RFC 5869 §3.1: a salt is optional but strengthens the extraction; a fixed, public one names the application.
const HKDF_SALT = 'ory-bff seal v1'
const BASE64URL = /^[A-Za-z0-9_-]+$/

interface DerivedKey {
  kid: string
  key: Buffer
}

/** The random 256-bit key of one Redis session record (AES-256-GCM). */
export function randomKey (): Buffer {
  return randomBytes(KEY_BYTES)
}

/**
 * Seals values under keys derived from a list of secrets: the first seals, all open, so that a new secret can be put
 * first without making the cookies sealed under the old one unreadable (key rotation).
 */
export class Sealer {
  readonly #keys: DerivedKey[]

  constructor (secrets: readonly string[], purpose: string) {
    if (secrets.length === 0) throw new TypeError('Sealer needs at least one secret')
    if (purpose === '') throw new TypeError('Sealer needs a purpose')
    this.#keys = secrets.map(secret => {
      const key = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, `ory-bff/${purpose}`, KEY_BYTES))
      // The key id tells which secret sealed a value without revealing anything of the key: a truncated hash of it,
      // under a label of its own so that it is never a value the key is otherwise used with.
      const kid = createHash('sha256').update('ory-bff key id\0').update(key).digest().subarray(0, 8).toString('base64url')
      return { kid, key }
    })
  }

  /**
   * `v1.<kid>.<iv>.<ciphertext and tag>`, base64url. The expiry (epoch seconds) is sealed with the value, so that a
   * cookie kept past its Max-Age is refused too; `aad` (the cookie's name, say) is authenticated but not stored, so
   * that the sealed value opens only where it was meant to be.
   */
  seal (value: unknown, expiresAt: number, aad = ''): string {
    const { kid, key } = this.#keys[0]!
    const plaintext = Buffer.from(JSON.stringify({ e: expiresAt, v: value }), 'utf8')
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(additionalData(kid, aad))
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
    return `${VERSION}.${kid}.${iv.toString('base64url')}.${body.toString('base64url')}`
  }

  /** The value sealed; a SealError when it cannot be opened here and now (`now`: epoch seconds). */
  open (sealed: string, aad = '', now = Date.now() / 1000): unknown {
    const parts = sealed.split('.')
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SealError('malformed', 'not a sealed value of this version')
    const [, kid, ivText, bodyText] = parts as [string, string, string, string]
    if (!BASE64URL.test(kid) || !BASE64URL.test(ivText) || !BASE64URL.test(bodyText)) throw new SealError('malformed', 'not base64url')
    const iv = Buffer.from(ivText, 'base64url')
    const body = Buffer.from(bodyText, 'base64url')
    if (iv.length !== IV_BYTES || body.length <= TAG_BYTES) throw new SealError('malformed', 'the IV or the ciphertext has the wrong length')
    const derived = this.#keys.find(candidate => candidate.kid === kid)
    if (derived === undefined) throw new SealError('unknown_key', 'sealed under a key that is not configured (COOKIE_SECRET)')
    let plaintext: Buffer
    try {
      const decipher = createDecipheriv('aes-256-gcm', derived.key, iv, { authTagLength: TAG_BYTES })
      decipher.setAAD(additionalData(kid, aad))
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
      plaintext = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()])
    } catch (err) {
      throw new SealError('tampered', 'the sealed value does not authenticate', { cause: err })
    }
    let envelope: unknown
    try {
      envelope = JSON.parse(plaintext.toString('utf8'))
    } catch {
      throw new SealError('malformed', 'the sealed value is not JSON')
    }
    if (envelope === null || typeof envelope !== 'object' || typeof (envelope as { e?: unknown }).e !== 'number') {
      throw new SealError('malformed', 'the sealed value has no expiry')
    }
    if (now >= (envelope as { e: number }).e) throw new SealError('expired', 'the sealed value has expired')
    return (envelope as { v?: unknown }).v
  }
}

/**
 * Encrypts with a key of the caller's (the Redis store's per-session key): `<iv>.<ciphertext and tag>`, base64url.
 * `aad` is authenticated, not stored.
 */
export function encryptWithKey (key: Buffer, plaintext: string | Buffer, aad: string): string {
  if (key.length !== KEY_BYTES) throw new TypeError('encryptWithKey needs a 256-bit key')
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  return `${iv.toString('base64url')}.${body.toString('base64url')}`
}

/** The plaintext of `encryptWithKey`; a SealError ('malformed' or 'tampered') otherwise. */
export function decryptWithKey (key: Buffer, sealed: string, aad: string): Buffer {
  if (key.length !== KEY_BYTES) throw new SealError('malformed', 'the key is not 256 bits')
  const parts = sealed.split('.')
  if (parts.length !== 2 || !BASE64URL.test(parts[0]!) || !BASE64URL.test(parts[1]!)) throw new SealError('malformed', 'not an encrypted value')
  const iv = Buffer.from(parts[0]!, 'base64url')
  const body = Buffer.from(parts[1]!, 'base64url')
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) throw new SealError('malformed', 'the IV or the ciphertext has the wrong length')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()])
  } catch (err) {
    throw new SealError('tampered', 'the encrypted value does not authenticate', { cause: err })
  }
}

// The version and key id are authenticated with the caller's data, each part length-prefixed so that no two
// different (kid, aad) pairs give the same bytes.
function additionalData (kid: string, aad: string): Buffer {
  return Buffer.from(`${VERSION}.${kid.length}.${kid}.${aad.length}.${aad}`, 'utf8')
}
