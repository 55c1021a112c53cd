import { adminPath } from './operations.js'

// Ory's pagination `Link` headers (RFC 8288) and a created object's `Location` name Ory's own URLs, which the browser
// cannot reach: each is rewritten to the admin API's path for it, relative when Ory's was relative, on PUBLIC_URL
// when it was absolute. A URL elsewhere is dropped rather than handed to the browser as it was.

export interface LinkBase {
  /** Ory's API as the BFF calls it: origin and base path, no trailing slash. */
  oryBase: string
  /** The BFF's origin as the browser sees it (PUBLIC_URL). */
  publicUrl: string
}

/** One URL of Ory's as the admin API's, or undefined when it is not Ory's. */
export function rewriteOryUrl (reference: string, base: LinkBase): string | undefined {
  let url: URL
  try {
    url = new URL(reference, `${base.oryBase}/`)
  } catch {
    return undefined
  }
  const ory = new URL(`${base.oryBase}/`)
  if (url.origin !== ory.origin) return undefined
  const basePath = ory.pathname.slice(0, -1)
  if (basePath !== '' && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return undefined
  const path = `${adminPath(url.pathname.slice(basePath.length) || '/')}${url.search}`
  return /^[a-z][a-z0-9+.-]*:/i.test(reference) ? `${base.publicUrl}${path}` : path
}

/** A `Link` header with each target rewritten; links to elsewhere are left out. Undefined when none is left. */
export function rewriteLinkHeader (value: string | string[], base: LinkBase): string | undefined {
  const text = Array.isArray(value) ? value.join(', ') : value
  const links: string[] = []
  for (const match of text.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const target = rewriteOryUrl(match[1]!, base)
    if (target !== undefined) links.push(`<${target}>${match[2]!}`)
  }
  return links.length === 0 ? undefined : links.join(', ')
}
