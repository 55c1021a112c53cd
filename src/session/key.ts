import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { cookieNameMatcher, oryCookieHeader, type CookieNameMatcher } from '../mirror/cookies.js'

/** Ory's session cookies: `ory_session_<slug>` on Ory Network, `ory_kratos_session` for self-hosted Kratos. */
export const SESSION_COOKIE_PATTERN: readonly string[] = ['ory_session_*', 'ory_kratos_session']

export const isSessionCookieName: CookieNameMatcher = cookieNameMatcher(SESSION_COOKIE_PATTERN)

/**
 * What identifies a session to Ory, and nothing else: the session cookies (never the app's other cookies, nor Ory's
 * CSRF or continuity cookies) and the `X-Session-Token`. The call to Ory is built from exactly these, so that two
 * requests with the same key get the same answer from Ory, and requests with different keys never share one.
 */
export interface SessionCredentials {
  /** base64url SHA-256 of the credentials: the cache key. The credentials themselves are never kept. */
  readonly key: string
  /** `name=value` pairs of the session cookies, as the browser sent them. */
  readonly cookie: string | undefined
  readonly token: string | undefined
}

function digest (cookie: string | undefined, token: string | undefined): string {
  const hash = createHash('sha256')
  // Prefixed and NUL-separated, so that no cookie value can pose as a token or the other way round.
  if (token !== undefined) hash.update('token\0').update(token).update('\0')
  if (cookie !== undefined) hash.update('cookie\0').update(cookie)
  return hash.digest('base64url')
}

/** The session credentials of a request (cookie and/or `X-Session-Token`), or undefined when it carries none. */
export function sessionCredentials (headers: IncomingHttpHeaders, isSessionCookie: CookieNameMatcher = isSessionCookieName): SessionCredentials | undefined {
  const cookie = oryCookieHeader(headers.cookie, isSessionCookie)
  const header = headers['x-session-token']
  const token = typeof header === 'string' && header !== '' ? header : undefined
  if (cookie === undefined && token === undefined) return undefined
  return { key: digest(cookie, token), cookie, token }
}

/** The credentials of a native app's session token (the body of `performNativeLogout`, say). */
export function tokenCredentials (token: string): SessionCredentials {
  return { key: digest(undefined, token), cookie: undefined, token }
}
