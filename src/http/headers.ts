import type { IncomingHttpHeaders } from 'node:http'
import type { CookieNameMatcher } from './cookies.js'
import { oryCookieHeader } from './cookies.js'

// Which headers cross the mirror. Requests: an allowlist, so that nothing the browser sends reaches Ory unless it is
// meant to (in particular no `Ory-*` header, no Authorization, no cookies of the app's own); the Ory headers that do
// go are the BFF's. Answers: an allowlist too, with Set-Cookie, Location and Link rewritten by the caller.

/** The browser's headers that Ory reads in browser flows, passed on as they came. */
const FORWARDED = ['accept', 'accept-language', 'user-agent', 'x-csrf-token'] as const

export interface OryHeaderOptions {
  /** <PUBLIC_URL><prefix>: where Ory is to write its links (Ory-Base-URL-Rewrite), when there is an API key. */
  rewriteBase: string
  /** ORY_API_KEY: proves to Ory Network that the rewrite is the project owner's wish. */
  apiKey: string | undefined
}

export interface UpstreamHeaderOptions extends OryHeaderOptions {
  isOryCookie: CookieNameMatcher
}

export interface UpstreamHeaderChoices {
  /** The operation takes `X-Session-Token` (native apps' sessions). */
  sessionToken: boolean
  /** The path takes the browser's `Authorization` (Hydra's /userinfo). */
  authorization: boolean
}

/**
 * The headers of the request to Ory (lower-case names), from the browser's headers and its address (the socket's
 * peer, or the client that trusted proxies name: never a forged header). X-Request-Id is added by the Ory client.
 */
export function upstreamHeaders (incoming: IncomingHttpHeaders, clientIp: string, options: UpstreamHeaderOptions, choices: UpstreamHeaderChoices): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const name of FORWARDED) {
    const value = incoming[name]
    if (typeof value === 'string') headers[name] = value
  }
  // Kratos reads a request without Accept as a browser's (x/isjsonrequest.go `IsJSONRequest`: text/html by default),
  // and so does the mirror when it refuses one itself; `*/*` means the same to Kratos, where the Ory client's default
  // (`application/json`) would make it an AJAX call.
  headers.accept ??= '*/*'
  const cookie = oryCookieHeader(incoming.cookie, options.isOryCookie)
  if (cookie !== undefined) headers.cookie = cookie
  if (choices.sessionToken && typeof incoming['x-session-token'] === 'string') headers['x-session-token'] = incoming['x-session-token']
  if (choices.authorization && typeof incoming.authorization === 'string') headers.authorization = incoming.authorization
  headers['x-forwarded-for'] = clientIp
  headers['true-client-ip'] = clientIp
  setOryHeaders(headers, options)
  // Bodies are read to rewrite their URLs: ask for them uncompressed (a compressed answer is still decoded).
  headers['accept-encoding'] = 'identity'
  return headers
}

/** Ory's own headers that the BFF sends with every call to Ory's browser API, the mirror's and the session checker's. */
export function oryHeaders (options: OryHeaderOptions): Record<string, string> {
  return setOryHeaders({}, options)
}

function setOryHeaders (headers: Record<string, string>, options: OryHeaderOptions): Record<string, string> {
  // Ory Network would otherwise redirect a browser to the project's custom domain, away from the BFF's origin.
  headers['ory-no-custom-domain-redirect'] = 'true'
  if (options.apiKey !== undefined) {
    // Ory then writes every link (flows, e-mails) for the BFF's origin, as it does for the Ory CLI's proxy and tunnel.
    headers['ory-base-url-rewrite'] = options.rewriteBase
    headers['ory-base-url-rewrite-token'] = options.apiKey
  }
  return headers
}

/**
 * Ory's answer headers that reach the browser as Ory sent them. Not among them: hop-by-hop headers (RFC 9110 §7.6.1),
 * Content-Length and Content-Encoding (the body may change), CORS headers (the browser talks to its own origin), and
 * Ory's own security or tracing headers; Set-Cookie, Location and Link are rewritten.
 */
export const PASSED_RESPONSE_HEADERS = [
  'content-type', 'content-language', 'content-disposition', 'cache-control', 'expires', 'pragma', 'etag', 'last-modified',
  'retry-after', 'www-authenticate', 'x-total-count'
] as const
