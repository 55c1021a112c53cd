import { createHash, randomBytes } from 'node:crypto'

/** A random value of `bytes` bytes, base64url: for `state`, `nonce` and session ids (16 bytes or more). */
export function randomToken (bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new RangeError(`a random token needs 16 bytes or more, got ${bytes}`)
  return randomBytes(bytes).toString('base64url')
}

/** The S256 code challenge of a verifier (RFC 7636 §4.2): BASE64URL(SHA256(ASCII(verifier))). */
export function codeChallenge (verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

/**
 * A PKCE pair (RFC 7636 §4.1): 32 random bytes as base64url make a 43-character verifier, the length the RFC
 * recommends, from its unreserved alphabet.
 */
export function createPkce (): { verifier: string, challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: codeChallenge(verifier) }
}
