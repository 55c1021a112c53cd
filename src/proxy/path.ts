import type { Issue } from '../errors.js'

// Where a call to `/api/proxy/<name>/<rest>` goes: `<route.url>/<rest>`, with <rest> exactly as the browser sent it
// (still percent-encoded, so `%2F` stays `%2F` and the API decodes it as it always does). Nothing in <rest> may lead
// above the route's base path: RFC 3986 §5.2.4 removes `.` and `..` segments, and servers and the proxies in front of
// them decode `%2e`, treat `\` as `/` (WHATWG URL), drop `;params` before resolving (Tomcat's `..;/`), or decode twice.
// Any segment that is, or becomes under one of those readings, `.` or `..` is refused, as is any backslash.

/** How many rounds of percent-decoding are checked: an API behind another proxy may decode more than once. */
const DECODE_ROUNDS = 3
// C0 controls and DEL: never part of a path an API means to serve, and a NUL ends a string in some servers.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/

/** The part of the URL after `/api/proxy/<name>`, split at the first `?`, as sent. */
export interface ProxiedTarget {
  /** `''` or a path starting with `/`, still percent-encoded. */
  rest: string
  /** The query string without its `?`, or undefined when there was none. */
  query: string | undefined
}

/**
 * The route name and the rest of a raw request URL below `prefix` (`/api/proxy`), or undefined when the URL is not
 * `<prefix>/<name>` or `<prefix>/<name>/…` with a name as it appears in API_ROUTES (never percent-encoded).
 */
export function splitProxyUrl (url: string, prefix: string): { name: string, target: ProxiedTarget } | undefined {
  const mark = url.indexOf('?')
  const path = mark === -1 ? url : url.slice(0, mark)
  const query = mark === -1 ? undefined : url.slice(mark + 1)
  if (!path.startsWith(`${prefix}/`)) return undefined
  const afterPrefix = path.slice(prefix.length + 1)
  const slash = afterPrefix.indexOf('/')
  const name = slash === -1 ? afterPrefix : afterPrefix.slice(0, slash)
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)) return undefined
  return { name, target: { rest: slash === -1 ? '' : afterPrefix.slice(slash), query } }
}

function isDotSegment (segment: string): boolean {
  // `..;jsessionid=x` is `..` to servers that strip path parameters before resolving.
  const semicolon = segment.indexOf(';')
  const bare = semicolon === -1 ? segment : segment.slice(0, semicolon)
  return bare === '.' || bare === '..'
}

/** Percent-decodes the ASCII triples only, leniently as some servers do: `..`, `/`, `\` and controls are all ASCII. */
function decodeAscii (text: string): string {
  return text.replace(/%([0-7][0-9a-fA-F])/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}

/** The problems of a raw rest of path (`/a/b%2Fc`), empty when it stays below the route's base path. */
export function restPathIssues (rest: string): Issue[] {
  if (rest === '') return []
  if (!rest.startsWith('/')) return [{ path: '', message: 'must start with /' }]
  if (rest.includes('%')) {
    try {
      decodeURIComponent(rest)
    } catch {
      return [{ path: '', message: 'is not validly percent-encoded' }]
    }
  }
  let text = rest
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    if (text.includes('\\')) return [{ path: '', message: 'must not contain a backslash, in any encoding' }]
    if (CONTROL.test(text)) return [{ path: '', message: 'must not contain control characters' }]
    if (text.split('/').some(isDotSegment)) return [{ path: '', message: 'must not contain . or .. segments, in any encoding' }]
    const decoded = decodeAscii(text)
    if (decoded === text) return []
    text = decoded
  }
  // Still encoded after every round: nobody means that.
  return [{ path: '', message: 'is percent-encoded too many times' }]
}

/**
 * The upstream path for a route's base path (`/v1`, or `''`) and a checked target: base + rest + `?query`. Never
 * empty: a bare base becomes `/`.
 */
export function upstreamPath (basePath: string, target: ProxiedTarget): string {
  const path = `${basePath}${target.rest}`
  return `${path === '' ? '/' : path}${target.query === undefined ? '' : `?${target.query}`}`
}
