import type { Config } from '../config.js'
import { OryBadResponseError } from '../ory/errors.js'
import { mirroredRoots } from './allowlist.js'
import { JsonSyntaxError, rewriteJsonStrings } from './json-strings.js'

// Ory writes its own URLs into its answers (ui.action, request_url, logout_url, schema_url, redirect_browser_to,
// continue_with, Location, Link). The browser must follow them to the BFF, not to Ory: each one that points at a path
// the mirror serves is rewritten to <PUBLIC_URL><prefix>/…, whether Ory wrote it absolute (on ORY_URL or a custom
// domain), root-relative or with `./` and `../`. JSON is rewritten string value by string value, as a JSON scanner
// (json-strings.ts) finds them with the grammar checked, never with a regex over text; and only scanned at all when a
// cheap byte search finds something to rewrite.

export interface UrlRewriterOptions {
  /** Where Ory writes its URLs: ORY_URL (with its base path, if any) and the project's custom domains. */
  oryBases: readonly string[]
  /** The mirror as the browser sees it: PUBLIC_URL followed by ORY_PATH_PREFIX. */
  publicBase: string
  /** Paths below an Ory base that the mirror serves; see mirroredRoots(). */
  roots: readonly string[]
}

interface Base {
  /** `http://host:port/base-path`, lower-case, no trailing slash. */
  text: string
  bytes: Buffer
  /** Where `://` is in `text`. */
  schemeEnd: number
  origin: string
  /** '' or `/base-path`. */
  path: string
}

const QUOTE = 34
const BACKSLASH = 92
/** What every absolute URL on a base holds, whatever the case of its scheme and host. */
const SCHEME_END = Buffer.from('://')
/** A string that starts with a relative reference: root-relative, `./` or `../`. */
const RELATIVE_OPENERS = [Buffer.from('"/'), Buffer.from('".')]

/** The first byte of a string that rewrite() may answer for: h, H, / or . (any other string is no URL of Ory's). */
function mayStartUrl (byte: number): boolean {
  return byte === 104 || byte === 72 || byte === 47 || byte === 46
}

/** ASCII letters in lower case, nothing else: scheme and host compare so (RFC 3986 §6.2.2.1), in text and in bytes alike. */
function asciiLower (value: string): string {
  return value.replace(/[A-Z]+/g, upper => upper.toLowerCase())
}

/** Whether `raw` holds `lower` at `at`, its ASCII letters in any case. */
function holdsAt (raw: Buffer, at: number, lower: Buffer): boolean {
  if (at < 0 || at + lower.length > raw.length) return false
  for (let i = 0; i < lower.length; i++) {
    let c = raw[at + i]!
    if (c >= 65 && c <= 90) c += 32
    if (c !== lower[i]) return false
  }
  return true
}

/** Characters that may follow a base in a URL on it: the rest starts a path, a query or a fragment, or nothing. */
function boundary (value: string, at: number): boolean {
  if (at === value.length) return true
  const c = value.charCodeAt(at)
  return c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */
}

/** Whether the path part of `rest` could change when resolved: a `.`/`..` segment, or any percent-encoding. */
function mayHoldDotSegment (rest: string): boolean {
  let end = rest.length
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i)
    if (c === 63 || c === 35) { end = i; break }
  }
  const path = rest.slice(0, end)
  return path.includes('%') || path.includes('/./') || path.includes('/../') || path.endsWith('/.') || path.endsWith('/..')
}

/** The mirror's rewriter: Ory's URLs (ORY_URL's and its custom domains') to the mirror's, as the browser sees it. */
export function mirrorUrlRewriter (config: Pick<Config, 'oryUrl' | 'oryCustomDomains' | 'publicOryUrl' | 'hydraPublicPaths'>): UrlRewriter {
  return new UrlRewriter({ oryBases: [config.oryUrl, ...config.oryCustomDomains], publicBase: config.publicOryUrl, roots: mirroredRoots(config.hydraPublicPaths) })
}

export class UrlRewriter {
  readonly #bases: Base[]
  readonly #publicBase: string
  readonly #roots: readonly string[]

  constructor (options: UrlRewriterOptions) {
    this.#bases = options.oryBases.map(value => {
      const url = new URL(value)
      const path = url.pathname.replace(/\/+$/, '')
      const text = asciiLower(`${url.origin}${path}`)
      return { text, bytes: Buffer.from(text), schemeEnd: text.indexOf('://'), origin: url.origin, path }
    })
    this.#publicBase = options.publicBase
    this.#roots = options.roots
  }

  /**
   * The URL as the browser must get it, or undefined when it is not one of Ory's mirrored URLs. `from` is the
   * upstream URL the value came with, against which relative forms resolve (RFC 3986 §5.2).
   */
  rewrite (value: string, from: string): string | undefined {
    const first = value.charCodeAt(0)
    // Most strings of a body (ids, dates, names) fail here, before their characters are looked at.
    if (first !== 104 && first !== 72 && first !== 47 && first !== 46) return undefined // h, H, /, .
    // A space or a control character: text that mentions a URL, not a URL (RFC 3986 has no room for them).
    for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) <= 0x20) return undefined
    if (first === 104 || first === 72) return this.#absolute(value)
    if (first === 47 /* / */) {
      const second = value.charCodeAt(1)
      // `//host/…` is scheme-relative, `/\host` is too for browsers: neither is a path on Ory.
      if (second === 47 || second === 92) return undefined
      return this.#relative(value, from)
    }
    if (first === 46 /* . */ && (value.startsWith('./') || value.startsWith('../'))) return this.#relative(value, from)
    return undefined
  }

  /** A Location header: rewritten when it points at the mirror's part of Ory, otherwise as Ory sent it. */
  location (value: string, from: string): string {
    return this.rewrite(value, from) ?? value
  }

  /** A Link header (RFC 8288): each `<URI-Reference>` rewritten; the relations and their parameters kept. */
  link (value: string, from: string): string {
    let out = ''
    let at = 0
    for (;;) {
      const open = value.indexOf('<', at)
      if (open === -1) break
      const close = value.indexOf('>', open + 1)
      if (close === -1) break
      const target = value.slice(open + 1, close)
      out += `${value.slice(at, open + 1)}${this.rewrite(target, from) ?? target}>`
      at = close + 1
    }
    return out + value.slice(at)
  }

  /**
   * A JSON body with every mirrored Ory URL in it rewritten, or undefined when there was nothing to rewrite (the
   * caller then sends the bytes it has). A body that mentions Ory but is not JSON is Ory's fault: a 502.
   */
  json (raw: Buffer, from: string, operationId: string): string | undefined {
    if (!this.#mayHoldUrl(raw, from)) return undefined
    try {
      return rewriteJsonStrings(raw, mayStartUrl, value => this.rewrite(value, from))
    } catch (cause) {
      if (!(cause instanceof JsonSyntaxError)) throw cause
      throw new OryBadResponseError(`Ory's answer to ${operationId} is not valid JSON`, { cause, operationId, reason: 'The upstream response was malformed.' })
    }
  }

  /**
   * Whether the bytes may hold a string that rewrite() answers for; when they do not, the body is not scanned at all.
   * Never wrong the other way: a body it lets through is scanned, and only the scan rewrites. So it looks for a base
   * at the start of a string, its scheme and host in any case (one search for `://`, the bases compared only where
   * it is found); for each string that starts with `/` or `.`, asks rewrite() (they are few, and short); and leaves
   * any body with an escape in it to the scanner, since `\/`, `\u0068ttps:` or `\\` (a `/` to the URL parser) may
   * spell a URL that no byte search sees.
   */
  #mayHoldUrl (raw: Buffer, from: string): boolean {
    if (raw.includes(BACKSLASH)) return true
    for (let at = raw.indexOf(SCHEME_END); at !== -1; at = raw.indexOf(SCHEME_END, at + 3)) {
      for (const base of this.#bases) {
        const start = at - base.schemeEnd
        if (raw[start - 1] === QUOTE && holdsAt(raw, start, base.bytes)) return true
      }
    }
    for (const opener of RELATIVE_OPENERS) {
      for (let at = raw.indexOf(opener); at !== -1; at = raw.indexOf(opener, at + 2)) {
        // Without escapes a string ends at the next quote (and one never closed is nothing to rewrite).
        const close = raw.indexOf(QUOTE, at + 1)
        if (close === -1) break
        if (this.rewrite(raw.toString('utf8', at + 1, close), from) !== undefined) return true
      }
    }
    return false
  }

  #absolute (value: string): string | undefined {
    for (const base of this.#bases) {
      const length = base.text.length
      if (value.length < length || !boundary(value, length)) continue
      // Ory writes its URLs in lower case; anything else is compared the slow way.
      if (!value.startsWith(base.text) && asciiLower(value.slice(0, length)) !== base.text) continue
      const rest = value.slice(length)
      // Dot segments (also encoded: %2e) are resolved first, as the browser would, so the check sees the real path.
      if (mayHoldDotSegment(rest)) return this.#parsed(value)
      return this.#mirrored(rest)
    }
    return undefined
  }

  #relative (value: string, from: string): string | undefined {
    return this.#parsed(value, from)
  }

  #parsed (value: string, from?: string): string | undefined {
    let url: URL
    try {
      url = new URL(value, from)
    } catch {
      return undefined
    }
    for (const base of this.#bases) {
      if (url.origin !== base.origin) continue
      if (base.path !== '' && url.pathname !== base.path && !url.pathname.startsWith(`${base.path}/`)) continue
      return this.#mirrored(`${url.pathname.slice(base.path.length)}${url.search}${url.hash}`)
    }
    return undefined
  }

  /** `rest` (path, query, fragment below an Ory base) on the public base, when the mirror serves that path. */
  #mirrored (rest: string): string | undefined {
    for (const root of this.#roots) {
      if (rest.startsWith(root) && (root.endsWith('/') || boundary(rest, root.length))) return `${this.#publicBase}${rest}`
    }
    return undefined
  }
}
