import { BffError, ErrorCodes } from '../errors.js'

/**
 * The request's OAuth2 session cookies cannot be used: tampered with, truncated, sealed under a key the BFF no longer
 * has, expired, or naming a session that is gone (401). `clearCookies` are the Set-Cookie lines that remove them, so
 * that the SPA can sign in again instead of failing the same way on every call.
 */
export class TokenSessionInvalidError extends BffError {
  override name = 'TokenSessionInvalidError'
  clearCookies: string[]

  constructor (reason: string, clearCookies: string[] = [], options: { cause?: unknown } = {}) {
    super(ErrorCodes.TOKEN_SESSION_INVALID, 401, 'The OAuth2 session is not valid; sign in again', { ...options, id: 'session_inactive', reason })
    this.clearCookies = clearCookies
  }
}

/** The token store (Redis) cannot be reached or did not answer in time (503): the user stays signed in. */
export class TokenStoreUnavailableError extends BffError {
  override name = 'TokenStoreUnavailableError'

  constructor (reason: string, options: { cause?: unknown } = {}) {
    super(ErrorCodes.TOKEN_STORE_UNAVAILABLE, 503, 'The session store is unavailable; try again', { ...options, reason })
  }
}

/** What the store cannot do, such as back-channel logout with sealed cookies (501). */
export class TokenStoreUnsupportedError extends BffError {
  override name = 'TokenStoreUnsupportedError'

  constructor (message: string) {
    super(ErrorCodes.NOT_IMPLEMENTED, 501, message)
  }
}
