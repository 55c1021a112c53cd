// Cookies between the browser and Ory. Requests: only Ory's own cookies go upstream, never the app's others (its
// analytics, its own session). Answers: each Set-Cookie is rewritten on its own (RFC 6265 §3: a Set-Cookie line is
// never folded with a comma, and Expires has a comma of its own), so that Ory's cookies live on the BFF's origin.

/** Is this cookie name one of Ory's? */
export type CookieNameMatcher = (name: string) => boolean

/** A matcher for ORY_COOKIE_PATTERN's entries: exact names, or prefixes written with a trailing `*`. */
export function cookieNameMatcher (patterns: readonly string[]): CookieNameMatcher {
  const exact = new Set<string>()
  const prefixes: string[] = []
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1))
    else exact.add(pattern)
  }
  return name => {
    if (exact.has(name)) return true
    for (const prefix of prefixes) if (name.startsWith(prefix)) return true
    return false
  }
}

/**
 * The browser's Cookie header reduced to Ory's cookies (RFC 6265 §5.4: `name=value` pairs joined by `; `), or
 * undefined when none is left. A pair without `=` has no name (RFC 6265bis §5.6) and is never Ory's.
 */
export function oryCookieHeader (header: string | undefined, isOry: CookieNameMatcher): string | undefined {
  if (header === undefined || header === '') return undefined
  let kept = ''
  let start = 0
  while (start < header.length) {
    let end = header.indexOf(';', start)
    if (end === -1) end = header.length
    const pair = header.slice(start, end).trim()
    const equals = pair.indexOf('=')
    if (equals > 0 && isOry(pair.slice(0, equals).trim())) kept = kept === '' ? pair : `${kept}; ${pair}`
    start = end + 1
  }
  return kept === '' ? undefined : kept
}

export interface SetCookieContext {
  /** The browser reaches the BFF over https: cookies get `Secure`; over http only the prefixed ones keep it. */
  secure: boolean
  /** COOKIE_DOMAIN; undefined keeps the cookie host-only on the BFF's origin. */
  cookieDomain: string | undefined
}

const HOST_PREFIX = /^__host-/i
const SECURE_PREFIX = /^__secure-/i

/** Whether a cookie name carries a prefix that browsers accept only with `Secure` (`__Secure-`, `__Host-`). */
export function isSecurePrefixed (name: string): boolean {
  return HOST_PREFIX.test(name) || SECURE_PREFIX.test(name)
}

/**
 * One of Ory's Set-Cookie lines as the browser must get it from the BFF:
 * - `Domain` is Ory's host, which the browser would refuse (RFC 6265 §5.3 step 6): it becomes COOKIE_DOMAIN, or is
 *   dropped so that the cookie is host-only. A `__Host-` cookie never gets a Domain (RFC 6265bis §4.1.3.2).
 * - `Secure` follows the browser-facing scheme: on plain-http development a Secure cookie would never come back.
 *   Except on a `__Secure-` or `__Host-` cookie, which every browser refuses without `Secure` (RFC 6265bis §4.1.3):
 *   it keeps it, and so still works on http://localhost, which Chromium and Firefox treat as a secure context for
 *   cookies (Safari does not, nor any browser on another plain-http host: such a cookie needs https there).
 * - `SameSite=None` needs `Secure` (RFC 6265bis §5.6.7): where it cannot have it, it becomes `Lax`.
 * - `Partitioned` needs `Secure` too (CHIPS): kept over https, dropped over http, where the browser would refuse the
 *   whole cookie.
 * - Path, Max-Age, Expires, HttpOnly, SameSite=Lax/Strict and anything unknown are kept as Ory wrote them.
 */
export function rewriteSetCookie (line: string, context: SetCookieContext): string {
  const parts = line.split(';')
  const pair = parts[0]!.trim()
  // Browsers match the prefixes in any case (RFC 6265bis §5.7 steps 20 and 21).
  const hostPrefixed = HOST_PREFIX.test(pair)
  const secure = context.secure || hostPrefixed || SECURE_PREFIX.test(pair)
  let out = pair
  let sameSiteNone = false
  let partitioned = false
  for (let i = 1; i < parts.length; i++) {
    const attribute = parts[i]!.trim()
    if (attribute === '') continue
    const equals = attribute.indexOf('=')
    const name = (equals === -1 ? attribute : attribute.slice(0, equals)).trim().toLowerCase()
    if (name === 'domain' || name === 'secure') continue
    if (name === 'partitioned') {
      partitioned = true
      continue
    }
    if (name === 'samesite' && equals !== -1 && attribute.slice(equals + 1).trim().toLowerCase() === 'none') {
      sameSiteNone = true
      continue
    }
    out += `; ${attribute}`
  }
  if (context.cookieDomain !== undefined && !hostPrefixed) out += `; Domain=${context.cookieDomain}`
  if (sameSiteNone) out += secure ? '; SameSite=None' : '; SameSite=Lax'
  if (secure) out += '; Secure'
  if (partitioned && secure) out += '; Partitioned'
  return out
}

/**
 * The Cookie header as name → value (RFC 6265 §5.4), values as sent (the BFF's own are base64url and need no
 * decoding). A name sent twice keeps its first value: browsers list the cookie with the longest path first.
 */
export function parseCookieHeader (header: string | string[] | undefined): Record<string, string> {
  const cookies = Object.create(null) as Record<string, string>
  const text = Array.isArray(header) ? header.join('; ') : header
  if (text === undefined || text === '') return cookies
  let start = 0
  while (start < text.length) {
    let end = text.indexOf(';', start)
    if (end === -1) end = text.length
    const pair = text.slice(start, end)
    const equals = pair.indexOf('=')
    if (equals > 0) {
      const name = pair.slice(0, equals).trim()
      if (name !== '' && !(name in cookies)) cookies[name] = pair.slice(equals + 1).trim()
    }
    start = end + 1
  }
  return cookies
}
