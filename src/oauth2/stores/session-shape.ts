import type { OAuth2Session } from '../types.js'

// What a store reads back went through authenticated encryption, so it is the BFF's own writing; the check guards
// against a record of an older, different shape (after an upgrade) being used as if it were a session.

/** Is this decrypted value a session of the current shape? */
export function isOAuth2Session (value: unknown): value is OAuth2Session {
  if (value === null || typeof value !== 'object') return false
  const session = value as Record<string, unknown>
  const tokens = session.tokens as Record<string, unknown> | null | undefined
  return typeof session.id === 'string' && session.id !== '' &&
    typeof session.sub === 'string' &&
    (session.sid === undefined || typeof session.sid === 'string') &&
    session.claims !== null && typeof session.claims === 'object' &&
    typeof session.createdAt === 'number' &&
    typeof session.expiresAt === 'number' &&
    tokens !== null && typeof tokens === 'object' &&
    typeof tokens.accessToken === 'string' &&
    typeof tokens.tokenType === 'string' &&
    typeof tokens.accessTokenExpiresAt === 'number' &&
    typeof tokens.accessTokenIssuedAt === 'number' &&
    (tokens.refreshToken === undefined || typeof tokens.refreshToken === 'string') &&
    (tokens.idToken === undefined || typeof tokens.idToken === 'string')
}
