import { randomBytes } from 'node:crypto'
import type { OAuth2Session, TokenSet } from './types.js'

/**
 * How long a session lasts when the provider does not say how long its refresh token lives: Hydra's default refresh
 * token lifespan (`ttl.refresh_token`, 720h). A refresh token that dies sooner ends the session at the next refresh
 * (`invalid_grant`, 401); one that lives longer is cut short here, and the user signs in again.
 */
export const DEFAULT_REFRESH_LIFETIME_SECONDS = 30 * 24 * 3600

/** Claims the SPA never gets, whatever OAUTH2_USER_CLAIMS says: they describe the token, not the user. */
const TOKEN_CLAIMS = new Set(['iss', 'aud', 'azp', 'exp', 'iat', 'nbf', 'jti', 'nonce', 'at_hash', 'c_hash', 's_hash', 'sid', 'auth_time', 'acr', 'amr', 'rat'])

/** The claims of the ID token and of userinfo that the SPA may see (OAUTH2_USER_CLAIMS); userinfo wins on conflict. */
export function userClaims (allowed: readonly string[], idToken: Record<string, unknown>, userinfo: Record<string, unknown> | undefined): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  for (const name of allowed) {
    if (name === 'sub' || TOKEN_CLAIMS.has(name)) continue
    const value = userinfo !== undefined && Object.hasOwn(userinfo, name) ? userinfo[name] : Object.hasOwn(idToken, name) ? idToken[name] : undefined
    if (value !== undefined) claims[name] = value
  }
  return claims
}

/** When a session ends unless refreshed again: with a refresh token, its lifetime; without, the access token's. */
export function sessionExpiry (tokens: TokenSet, now: number, refreshLifetimeSeconds: number = DEFAULT_REFRESH_LIFETIME_SECONDS): number {
  return tokens.refreshToken === undefined ? tokens.accessTokenExpiresAt : now + refreshLifetimeSeconds
}

export function newSessionId (): string {
  return randomBytes(24).toString('base64url')
}

/** A new session after a login: who, their allowlisted claims, their tokens. */
export function newSession (input: {
  sub: string
  sid: string | undefined
  claims: Record<string, unknown>
  tokens: TokenSet
  now: number
}): OAuth2Session {
  return {
    id: newSessionId(),
    sub: input.sub,
    ...(input.sid === undefined ? {} : { sid: input.sid }),
    claims: input.claims,
    tokens: input.tokens,
    createdAt: input.now,
    expiresAt: sessionExpiry(input.tokens, input.now)
  }
}
