import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import type { UiText } from '../schemas/index.js'
import { texts } from './ui.js'

// Kratos' import format for scrypt hashes (https://www.ory.sh/docs/kratos/manage-identities/import-user-accounts-identities#hashed-passwords):
// $scrypt$ln=<N>,r=<r>,p=<p>$<salt, base64>$<key, base64>
const SCRYPT = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/
/** scrypt's CPU/memory cost N; 2^14 is the interactive-login figure of the scrypt paper. */
export const DEFAULT_SCRYPT_COST = 16384
const BLOCK = { r: 8, p: 1 }
const KEY_LENGTH = 32

async function derive (password: string, salt: Buffer, options: ScryptOptions & { N: number }, keyLength: number): Promise<Buffer> {
  return await new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes, or Node refuses the parameters a seed file may carry.
    scrypt(password.normalize('NFKC'), salt, keyLength, { ...options, maxmem: 256 * options.N * (options.r ?? 8) + 1024 * 1024 }, (err, key) => {
      if (err === null) resolve(key)
      else reject(err)
    })
  })
}

export async function hashPassword (password: string, cost = DEFAULT_SCRYPT_COST): Promise<string> {
  if (!Number.isInteger(Math.log2(cost)) || cost < 2) throw new Error(`the scrypt cost must be a power of two, got ${cost}`)
  const salt = randomBytes(16)
  const key = await derive(password, salt, { N: cost, ...BLOCK }, KEY_LENGTH)
  return `$scrypt$ln=${cost},r=${BLOCK.r},p=${BLOCK.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

export function isScryptHash (hash: string): boolean {
  return SCRYPT.test(hash)
}

/** Constant-time comparison of a password with a stored scrypt hash; a malformed hash never matches. */
export async function verifyPassword (password: string, hash: string): Promise<boolean> {
  const match = SCRYPT.exec(hash)
  if (match === null) return false
  const [, n, r, p, salt, expected] = match
  const expectedKey = Buffer.from(expected!, 'base64')
  if (expectedKey.length === 0) return false
  const key = await derive(password, Buffer.from(salt!, 'base64'), { N: Number(n), r: Number(r), p: Number(p) }, expectedKey.length)
  return timingSafeEqual(key, expectedKey)
}

function levenshtein (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

function longestCommonSubstring (a: string, b: string): number {
  let best = 0
  let previous = new Array<number>(b.length + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(0)
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        current[j] = previous[j - 1]! + 1
        best = Math.max(best, current[j]!)
      }
    }
    previous = current
  }
  return best
}

export const MIN_PASSWORD_LENGTH = 8
const MAX_PASSWORD_LENGTH = 1024

/**
 * Kratos' default password policy, without the Have I Been Pwned lookup (the emulator is offline): at least eight
 * characters, and not too similar to any identifier (edit distance under 5, or more than half of the password
 * shared with it as one substring).
 */
export function passwordPolicyViolation (password: string, identifiers: readonly string[]): UiText | undefined {
  const length = [...password].length
  if (length < MIN_PASSWORD_LENGTH) return texts.passwordMinLength(MIN_PASSWORD_LENGTH, length)
  if (length > MAX_PASSWORD_LENGTH) return texts.passwordMaxLength(MAX_PASSWORD_LENGTH, length)
  const candidate = password.toLowerCase()
  for (const identifier of identifiers) {
    const id = identifier.toLowerCase()
    if (id === '') continue
    if (levenshtein(id, candidate) < 5 || longestCommonSubstring(id, candidate) / candidate.length > 0.5) return texts.passwordTooSimilar()
  }
  return undefined
}
