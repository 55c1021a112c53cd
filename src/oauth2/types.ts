// The contracts between the parts of the OAuth2 backend-for-frontend: the provider (src/oauth2/provider.ts), the
// token stores (src/oauth2/stores/), the refresher (src/oauth2/refresh.ts) and the routes (src/routes/oauth2.ts,
// src/routes/proxy.ts). Plain values only: no Fastify, no undici.

/** The tokens of one signed-in user, as the token endpoint gave them (RFC 6749 §5.1). Times in epoch seconds. */
export interface TokenSet {
  accessToken: string
  tokenType: string
  /** When the access token expires: now + `expires_in` at the time it was issued. */
  accessTokenExpiresAt: number
  /** When the access token was issued: with `accessTokenExpiresAt`, its lifetime (for "half its lifetime"). */
  accessTokenIssuedAt: number
  refreshToken?: string
  /** Kept only for `id_token_hint` at logout; its claims are not stored a second time. */
  idToken?: string
  scope?: string
}

/**
 * One OAuth2 session of the BFF: who signed in and their tokens. What the stores keep, and nothing more; user claims
 * are the allowlisted ones (OAUTH2_USER_CLAIMS) only.
 */
export interface OAuth2Session {
  /** Random, 128 bits or more, base64url: the key of the refresh single-flight and, with Redis, of the record. */
  id: string
  sub: string
  /** The provider's session id (`sid` claim), for back-channel logout. */
  sid?: string
  /** Allowlisted claims of the ID token and userinfo, for `GET /api/oauth2/user`. */
  claims: Record<string, unknown>
  tokens: TokenSet
  /** Epoch seconds. */
  createdAt: number
  /** When the session ends unless refreshed: the refresh token's lifetime if known, else the access token's expiry. */
  expiresAt: number
}

/** A session as read from a request's cookies, with what the store needs to save or delete it again. */
export interface LoadedSession {
  session: OAuth2Session
  /** Opaque to callers: the store's handle (cookie names read, Redis key and per-session key …). */
  handle: unknown
}

/** The cookies of a request, by name, as @fastify/cookie parses them. */
export type RequestCookies = Record<string, string | undefined>

/**
 * Where sessions live: sealed cookies (`cookie`) or Redis (`redis`), behind one interface (oauth2-proxy's session-store
 * seam). Every method that touches Redis throws a TokenStoreUnavailableError (503) when it cannot, never a "no
 * session": a store that is down must not sign anyone out.
 */
export interface TokenStore {
  readonly kind: 'cookie' | 'redis'
  /**
   * The session of these cookies; undefined when the request carries none of the store's cookies. Cookies that are
   * tampered with, truncated, sealed with an unknown key, expired, or name a session that is gone: a
   * TokenSessionInvalidError (401), whose `clearCookies` the route sends so the SPA can recover.
   */
  load: (cookies: RequestCookies) => Promise<LoadedSession | undefined>
  /** Stores a new or updated session; the Set-Cookie lines to send (the cookie store's stale chunks cleared). */
  save: (session: OAuth2Session, previous?: LoadedSession) => Promise<string[]>
  /** Deletes the session (if any) and returns the Set-Cookie lines that clear every cookie of the store. */
  delete: (loaded: LoadedSession | undefined, cookies: RequestCookies) => Promise<string[]>
  /** The Set-Cookie lines that clear every cookie of the store this request carries. */
  clearCookies: (cookies: RequestCookies) => string[]
  /**
   * Runs `refresh` with the right to refresh this session: one at a time per session id in this process and, with
   * Redis, across replicas (a lock with a lease). `reread` is called after the right is acquired and returns the
   * session as it is now (another replica may have refreshed it already), or undefined if it is gone.
   */
  exclusive: <T>(sessionId: string, reread: () => Promise<OAuth2Session | undefined>, refresh: (current: OAuth2Session | undefined) => Promise<T>) => Promise<T>
  /** Back-channel logout: ends the sessions of this provider session id or subject; how many. Redis only. */
  endSessions: (selector: { sid?: string, sub?: string }) => Promise<number>
  /** Remembers a logout token's `jti` until `expiresAt` (epoch s); false when it had been seen. Redis only. */
  rememberJti: (jti: string, expiresAt: number) => Promise<boolean>
  /**
   * The session as the store holds it now (another request, or replica, may have refreshed it since `loaded` was
   * read), or undefined when it is gone.
   */
  reread: (loaded: LoadedSession) => Promise<OAuth2Session | undefined>
  /** Connects to what the store needs (Redis), at most one attempt; never throws: readiness tells how it went. */
  connect: () => Promise<boolean>
  /** For readiness: can the store be used now? */
  ping: () => Promise<boolean>
  close: () => Promise<void>
}
