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
  let at = line.indexOf(';')
  const pair = (at === -1 ? line : line.slice(0, at)).trim()
  // Browsers match the prefixes in any case (RFC 6265bis §5.7 steps 20 and 21).
  const hostPrefixed = HOST_PREFIX.test(pair)
  const secure = context.secure || hostPrefixed || SECURE_PREFIX.test(pair)
  let out = pair
  let sameSiteNone = false
  let partitioned = false
  // Attribute by attribute, each name compared in place: no array of the parts, no lower-cased copy of a name.
  while (at !== -1) {
    const start = at + 1
    at = line.indexOf(';', start)
    const attribute = (at === -1 ? line.slice(start) : line.slice(start, at)).trim()
    if (attribute === '') continue
    const equals = attribute.indexOf('=')
    const nameEnd = trimmedEnd(attribute, 0, equals === -1 ? attribute.length : equals)
    if (namedAs(attribute, 0, nameEnd, 'domain') || namedAs(attribute, 0, nameEnd, 'secure')) continue
    if (namedAs(attribute, 0, nameEnd, 'partitioned')) {
      partitioned = true
      continue
    }
    if (equals !== -1 && namedAs(attribute, 0, nameEnd, 'samesite') && isNone(attribute, equals + 1)) {
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
 * Whether `text` from `start` to `end` is `lower` (lower-case ASCII letters) in any case. Only ASCII letters compare
 * equal to them here, as after String#toLowerCase: it maps no other character to one of these words' letters.
 */
function namedAs (text: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false
  for (let i = 0; i < lower.length; i++) {
    if ((text.charCodeAt(start + i) | 0x20) !== lower.charCodeAt(i)) return false
  }
  return true
}

/** Whether the value from `from` on is `None` in any case, around it what String#trim removes. */
function isNone (text: string, from: number): boolean {
  let start = from
  while (start < text.length && isTrimmed(text.charCodeAt(start))) start++
  return namedAs(text, start, trimmedEnd(text, start, text.length), 'none')
}

/** `end`, less the characters String#trim would remove before it (down to `start`). */
function trimmedEnd (text: string, start: number, end: number): number {
  while (end > start && isTrimmed(text.charCodeAt(end - 1))) end--
  return end
}

/** The characters String#trim removes: ECMAScript's WhiteSpace and LineTerminator. */
function isTrimmed (c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d)
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff
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
