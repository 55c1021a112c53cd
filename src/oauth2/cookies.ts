// The BFF's own cookies (the OAuth2 session, login transactions): names, Set-Cookie lines, and the session split
// over several cookies when it is too large for one. Ory's cookies are src/http/cookies.ts's business.
//
// Over https every cookie is `__Host-` prefixed (RFC 6265bis §4.1.3.2): the browser then accepts it only with Secure,
// Path=/ and no Domain, so a sibling subdomain can neither set nor shadow it. HttpOnly keeps it from JavaScript;
// SameSite=Lax keeps it off cross-site subrequests while top-level navigations (the OAuth2 callback) still carry it.
// Over plain http (local development) neither the prefix nor Secure is possible: the browser would drop the cookie.

/** The session cookie's name before the `__Host-` prefix; its chunks are `<name>.0`, `<name>.1`, … */
export const SESSION_COOKIE = 'bff_session'

/**
 * The most bytes of value in one cookie. Browsers keep at least 4096 bytes of name, value and attributes per cookie
 * (RFC 6265 §6.1); 3800 leaves room for the longest name (`__Host-bff_session.7=`) and the attributes.
 */
export const MAX_COOKIE_VALUE_BYTES = 3800

/**
 * The most chunks a value may take. 3 × 3800 bytes holds a session with an ID token of generous claims, and keeps the
 * Cookie header, with Ory's cookies beside it, within the 16 KB that Node.js (and many proxies' 8–16 KB buffers)
 * accept for a request's headers: beyond that the browser's every request would fail with a 431.
 */
export const MAX_CHUNKS = 3

const HOST_PREFIX = '__Host-'
// RFC 6265 §4.1.1: cookie-octet, what a cookie value may hold without quoting.
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/
// RFC 7230 §3.2.6: a token.
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// Chunk `<name>.<index>`, the count in front of the first one's value: `<count>~<part>`. `~` is in no sealed value
// (base64url and `.`), so the count cannot be confused with the value.
const CHUNK_COUNT = /^([1-9][0-9]?)~/
const CHUNK_SUFFIX = /^\.(0|[1-9][0-9]?)$/

/** The cookie's name as the browser keeps it: `__Host-<base>` over https, `<base>` over http. */
export function cookieName (base: string, secure: boolean): string {
  return secure ? `${HOST_PREFIX}${base}` : base
}

export interface CookieOptions {
  /** Seconds until the browser drops the cookie. */
  maxAge: number
  /** The browser reaches the BFF over https (PUBLIC_URL). */
  secure: boolean
}

/** The Set-Cookie line of one of the BFF's cookies; `name` is the full name (from `cookieName`). */
export function setCookie (name: string, value: string, { maxAge, secure }: CookieOptions): string {
  checkName(name, secure)
  if (!COOKIE_VALUE.test(value)) throw new TypeError(`The value of the cookie ${name} must be RFC 6265 cookie-octets`)
  if (!Number.isFinite(maxAge)) throw new TypeError(`The Max-Age of the cookie ${name} must be a number`)
  return `${name}=${value}; Max-Age=${Math.max(0, Math.floor(maxAge))}; ${attributes(secure)}`
}

/** The Set-Cookie line that removes one of the BFF's cookies (RFC 6265 §5.3 step 3: Max-Age=0 expires it now). */
export function clearCookie (name: string, secure: boolean): string {
  checkName(name, secure)
  return `${name}=; Max-Age=0; ${attributes(secure)}`
}

/** What a request carries of a value that may be split: the value, and the names of every cookie of it. */
export type ChunkedRead =
  | { status: 'none', names: [] }
  | { status: 'ok', value: string, names: string[] }
  | { status: 'malformed', names: string[], problem: string }

/**
 * The names of the request's cookies that belong to the value `name` (the whole `name` and its chunks), bounded:
 * a chunk index has at most two digits.
 */
export function chunkNames (cookies: Record<string, string | undefined>, name: string): string[] {
  const names: string[] = []
  for (const cookie of Object.keys(cookies)) {
    if (cookies[cookie] === undefined) continue
    if (cookie === name || (cookie.startsWith(name) && CHUNK_SUFFIX.test(cookie.slice(name.length)))) names.push(cookie)
  }
  return names
}

/**
 * Reassembles the value `name` from the request's cookies: `name` alone, or chunks `name.0` … `name.<n-1>` with n
 * written in front of the first. A gap, a count that does not match the chunks present, too many chunks, or both the
 * whole cookie and chunks: malformed (never a value made of parts of two different writes).
 */
export function readChunked (cookies: Record<string, string | undefined>, name: string): ChunkedRead {
  const names = chunkNames(cookies, name)
  if (names.length === 0) return { status: 'none', names: [] }
  const chunks = names.filter(cookie => cookie !== name)
  if (chunks.length === 0) return { status: 'ok', value: cookies[name]!, names }
  if (chunks.length !== names.length) return { status: 'malformed', names, problem: 'both the whole cookie and chunks of it' }
  if (chunks.length > MAX_CHUNKS) return { status: 'malformed', names, problem: `more than ${MAX_CHUNKS} chunks` }
  const first = cookies[`${name}.0`]
  const count = first === undefined ? undefined : CHUNK_COUNT.exec(first)
  if (first === undefined || count === null || count === undefined) return { status: 'malformed', names, problem: 'no first chunk with the chunk count' }
  const expected = Number(count[1])
  if (expected !== chunks.length) return { status: 'malformed', names, problem: `${chunks.length} chunks where the first says ${expected}` }
  let value = first.slice(count[0].length)
  for (let index = 1; index < expected; index++) {
    const part = cookies[`${name}.${index}`]
    if (part === undefined) return { status: 'malformed', names, problem: `chunk ${index} is missing` }
    value += part
  }
  return { status: 'ok', value, names }
}

/** The longest value `writeChunked` stores: MAX_CHUNKS chunks, the first of them with its count prefix. */
export const MAX_CHUNKED_BYTES = MAX_CHUNKS * MAX_COOKIE_VALUE_BYTES - 3

/**
 * The Set-Cookie lines that store `value` under `name`: one cookie when it fits, else chunks; every cookie of the
 * value that the request carried (`present`) and that is not written again is cleared, so that no stale chunk of a
 * larger value is left to be read back. A value that needs more than MAX_CHUNKS chunks is refused.
 */
export function writeChunked (name: string, value: string, options: CookieOptions, present: readonly string[] = []): string[] {
  const lines: string[] = []
  const written = new Set<string>()
  if (Buffer.byteLength(value) <= MAX_COOKIE_VALUE_BYTES) {
    lines.push(setCookie(name, value, options))
    written.add(name)
  } else {
    // Values are cookie-octets (ASCII), so characters are bytes. The count prefix takes up to 3 of the first's.
    const parts: string[] = []
    parts.push(value.slice(0, MAX_COOKIE_VALUE_BYTES - 3))
    for (let offset = MAX_COOKIE_VALUE_BYTES - 3; offset < value.length; offset += MAX_COOKIE_VALUE_BYTES) {
      parts.push(value.slice(offset, offset + MAX_COOKIE_VALUE_BYTES))
    }
    if (parts.length > MAX_CHUNKS) {
      throw new RangeError(`The cookie ${name} would need ${parts.length} chunks of ${MAX_COOKIE_VALUE_BYTES} bytes; at most ${MAX_CHUNKS} are written`)
    }
    parts.forEach((part, index) => {
      const chunk = `${name}.${index}`
      lines.push(setCookie(chunk, index === 0 ? `${parts.length}~${part}` : part, options))
      written.add(chunk)
    })
  }
  for (const stale of present) if (!written.has(stale)) lines.push(clearCookie(stale, options.secure))
  return lines
}

/** The Set-Cookie lines that remove every cookie of the value `name` the request carries. */
export function clearChunked (cookies: Record<string, string | undefined>, name: string, secure: boolean, also: readonly string[] = []): string[] {
  const names = new Set([...chunkNames(cookies, name), ...also])
  return [...names].map(cookie => clearCookie(cookie, secure))
}

function attributes (secure: boolean): string {
  return secure ? 'Path=/; HttpOnly; Secure; SameSite=Lax' : 'Path=/; HttpOnly; SameSite=Lax'
}

function checkName (name: string, secure: boolean): void {
  if (!COOKIE_NAME.test(name)) throw new TypeError(`${JSON.stringify(name)} is not a cookie name (RFC 6265 §4.1.1)`)
  // A __Host- cookie without Secure is refused by the browser (RFC 6265bis §4.1.3.2); a plain name over https would
  // lose the prefix's protection.
  if (name.startsWith(HOST_PREFIX) !== secure) throw new TypeError(`The cookie ${name} must ${secure ? '' : 'not '}have the ${HOST_PREFIX} prefix`)
}
