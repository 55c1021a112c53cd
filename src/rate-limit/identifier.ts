import { createHash } from 'node:crypto'

// The account a flow submit is about, read from the body as Ory reads it, so that password guessing is counted per
// account whatever addresses it comes from. The value is kept only as a hash: no address or user name is stored in
// Redis or written to a log.

/**
 * The body fields that name an account, per mirrored operation, in order of preference. Login: Kratos's `identifier`
 * (password, code, passkey and identifier-first methods alike). Recovery and verification: `email` (their code and
 * link methods). Registration: the traits Ory's preset identity schemas mark as credential identifiers (`email`,
 * `username`, `phone`); the first one present counts, the email when there is one.
 */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  updateLoginFlow: ['identifier'],
  updateRecoveryFlow: ['email'],
  updateVerificationFlow: ['email'],
  updateRegistrationFlow: ['traits.email', 'traits.username', 'traits.phone']
}

/** The operations whose submits are counted per identifier. */
export const IDENTIFIER_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(FIELDS))

// Distinct from any other SHA-256 of the same text the deployment may keep.
const DOMAIN = 'ory-bff rate limit identifier\0'

/** Ory compares email identifiers case-insensitively and trims what it is sent; so are the counts. */
export function normaliseIdentifier (value: string): string {
  return value.trim().toLowerCase()
}

/** The key of an identifier: SHA-256 of the normalised value, base64url. */
export function hashIdentifier (value: string): string {
  return createHash('sha256').update(DOMAIN).update(normaliseIdentifier(value)).digest('base64url')
}

/** A field of a JSON body (nested objects) or of a form (dotted names, a repeated name as a list). */
function field (body: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(body, name)) return body[name]
  let value: unknown = body
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

/** Most identifiers one submit is counted under; more values of its fields are a malformed body, for Ory to refuse. */
export const MAX_IDENTIFIERS = 4

/**
 * The hashed identifiers a submit names, none when it names none (a code submit without the address, a body that is
 * not an object). Every value of a repeated form field counts, whichever of them Ory would read; for registration,
 * the first of the fields that is present.
 */
export function identifiersOf (operationId: string, body: unknown): string[] {
  const names = FIELDS[operationId]
  if (names === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) return []
  for (const name of names) {
    const value = field(body as Record<string, unknown>, name)
    const values = (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string' && normaliseIdentifier(item) !== '')
    if (values.length > 0) return [...new Set(values.slice(0, MAX_IDENTIFIERS).map(hashIdentifier))]
  }
  return []
}
