// `return_to` is where Ory sends the browser once a flow is done: an open redirect if it may point anywhere. Ory
// checks it too, but against its own configuration and with Go's URL parser; the BFF checks it first, against
// ALLOWED_RETURN_URLS and with the WHATWG parser the browser itself uses, and forwards the URL as that parser reads
// it, so that Ory, the check and the browser cannot disagree about where it leads.

const MAX_LENGTH = 4096
const HTTP_URL = /^https?:\/\//i

interface Allowed {
  protocol: string
  /** `host:port` as the URL parser writes it; for a wildcard `*.example.com`, the `.example.com` suffix. */
  host: string
  wildcard: boolean
  port: string
  path: string
}

/** The query parameters (and body fields) that carry a URL the browser will be sent to. */
export const RETURN_TO_NAMES: ReadonlySet<string> = new Set(['return_to', 'after_verification_return_to'])

export type ReturnToCheck = (value: string) => string | undefined

/**
 * A check against the allowed URLs. It answers with the URL to forward (absolute, as the WHATWG parser writes it) or
 * undefined when the value must be refused. Refused:
 * - anything but an absolute http(s) URL with `//`, or a path starting with a single `/` (resolved on PUBLIC_URL):
 *   so `//evil.com`, `https:evil.com`, `javascript:…` and bare words;
 * - control characters, spaces and backslashes anywhere (browsers drop tabs and newlines and read `\` as `/`, so
 *   `/\evil.com` and `/\t/evil.com` are `//evil.com` to them);
 * - user information (`https://app.example.com@evil.com` is evil.com; `https://user@app.example.com` is refused
 *   too: nobody needs it in a return URL);
 * - percent-encoded `/` or `\` in the path (`/%2F%2Fevil.com` reads differently to different parsers);
 * - a scheme, host or port that no allowed URL has (host names compared as the parser normalises them, so mixed case
 *   and trailing-dot forms cannot slip through), or a path outside the allowed URL's path.
 */
export function createReturnToCheck (allowedUrls: readonly string[], publicUrl: string): ReturnToCheck {
  const allowed: Allowed[] = allowedUrls.map(value => {
    const url = new URL(value)
    const wildcard = url.hostname.startsWith('*.')
    return {
      protocol: url.protocol,
      host: wildcard ? url.hostname.slice(1) : url.host,
      wildcard,
      port: url.port,
      path: url.pathname
    }
  })
  const base = `${publicUrl}/`

  return function checkReturnTo (value: string): string | undefined {
    if (value.length === 0 || value.length > MAX_LENGTH) return undefined
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i)
      if (c <= 0x20 || c === 0x7f || c === 0x5c /* \ */) return undefined
    }
    const relative = value.charCodeAt(0) === 47 /* / */
    if (relative && value.charCodeAt(1) === 47) return undefined
    if (!relative && !HTTP_URL.test(value)) return undefined
    let url: URL
    try {
      url = relative ? new URL(value, base) : new URL(value)
    } catch {
      return undefined
    }
    if (url.username !== '' || url.password !== '') return undefined
    const path = url.pathname.toLowerCase()
    if (path.includes('%2f') || path.includes('%5c')) return undefined
    for (const entry of allowed) {
      if (entry.protocol !== url.protocol) continue
      if (entry.wildcard) {
        if (!url.hostname.endsWith(entry.host) || url.hostname.length <= entry.host.length || url.port !== entry.port) continue
      } else if (entry.host !== url.host) {
        continue
      }
      if (within(url.pathname, entry.path)) return url.href
    }
    return undefined
  }
}

/** How much of a refused value an answer or a log line quotes. */
const SHOWN_LENGTH = 200

/**
 * A refused value as an answer (and so the log) may quote it: at most SHOWN_LENGTH characters, cut between two code
 * points, never inside a surrogate pair (which would leave the text ill-formed), and marked as cut.
 */
export function shownReturnTo (value: string): string {
  if (value.length <= SHOWN_LENGTH) return value
  let end = SHOWN_LENGTH - 3
  const last = value.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${value.slice(0, end)}...`
}

/** RFC 3986 paths compared by segments: `/app` allows `/app` and `/app/…`, not `/application`. */
function within (path: string, allowed: string): boolean {
  if (allowed === '/' || path === allowed) return true
  return path.startsWith(allowed.endsWith('/') ? allowed : `${allowed}/`)
}
