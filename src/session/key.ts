import { hash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { cookieNameMatcher, oryCookieHeader, type CookieNameMatcher } from '../http/cookies.js'

/** Ory's session cookies: `ory_session_<slug>` on Ory Network, `ory_kratos_session` for self-hosted Kratos. */
export const SESSION_COOKIE_PATTERN: readonly string[] = ['ory_session_*', 'ory_kratos_session']

export const isSessionCookieName: CookieNameMatcher = cookieNameMatcher(SESSION_COOKIE_PATTERN)

/**
 * What identifies a session to Ory, and nothing else: the session cookies (never the app's other cookies, nor Ory's
 * CSRF or continuity cookies) and the `X-Session-Token`. The call to Ory is built from exactly these, so that two
 * requests with the same key get the same answer from Ory, and requests with different keys never share one.
 */
export class SessionCredentials {
  /** `name=value` pairs of the session cookies, as the browser sent them. */
  readonly cookie: string | undefined
  readonly token: string | undefined
  /**
   * The credentials in one string, prefixed and NUL-separated so that no cookie value can pose as a token or the other
   * way round. Concurrent checks join one call to Ory on it; it is never kept beyond that call.
   */
  readonly material: string
  #key: string | undefined

  constructor (cookie: string | undefined, token: string | undefined) {
    this.cookie = cookie
    this.token = token
    this.material = `${token === undefined ? '' : `token\0${token}\0`}${cookie === undefined ? '' : `cookie\0${cookie}`}`
  }

  /**
   * base64url SHA-256 of the material: the cache key, so that the cache never holds the credentials themselves. Made on
   * first use: without a cache, a check never needs it.
   */
  get key (): string {
    this.#key ??= hash('sha256', this.material, 'base64url')
    return this.#key
  }
}

/** The session credentials of a request (cookie and/or `X-Session-Token`), or undefined when it carries none. */
export function sessionCredentials (headers: IncomingHttpHeaders, isSessionCookie: CookieNameMatcher = isSessionCookieName): SessionCredentials | undefined {
  const cookie = oryCookieHeader(headers.cookie, isSessionCookie)
  const header = headers['x-session-token']
  const token = typeof header === 'string' && header !== '' ? header : undefined
  if (cookie === undefined && token === undefined) return undefined
  return new SessionCredentials(cookie, token)
}

/** The credentials of a native app's session token (the body of `performNativeLogout`, say). */
export function tokenCredentials (token: string): SessionCredentials {
  return new SessionCredentials(undefined, token)
}
