import type { OryResponse } from './operation.js'
import type { CallOptions, OryClient } from './client.js'

export interface PageLink {
  url: string
  rel: string
  params: Record<string, string>
}

/** Parses an RFC 8288 `Link` header: `<url>; rel="next", <url>; rel="first"`. */
export function parseLinkHeader (value: string | string[] | undefined): Map<string, PageLink> {
  const links = new Map<string, PageLink>()
  const text = Array.isArray(value) ? value.join(', ') : value
  if (text === undefined) return links
  const pattern = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g
  for (const match of text.matchAll(pattern)) {
    const url = match[1]!
    const attributes = new Map<string, string>()
    for (const part of match[2]!.split(';')) {
      const [key, ...rest] = part.split('=')
      if (key === undefined || rest.length === 0) continue
      attributes.set(key.trim().toLowerCase(), rest.join('=').trim().replace(/^"|"$/g, ''))
    }
    let params: Record<string, string> = {}
    try {
      params = Object.fromEntries(new URL(url, 'http://link.invalid').searchParams)
    } catch {}
    for (const rel of (attributes.get('rel') ?? '').split(/\s+/).filter(Boolean)) {
      links.set(rel.toLowerCase(), { url, rel, params })
    }
  }
  return links
}

/** The token of the page after this one: from the `Link` header, or Keto's `next_page_token` in the body. */
export function nextPageToken (result: { headers: Record<string, unknown>, body: unknown }): string | undefined {
  const next = parseLinkHeader(result.headers.link as string | string[] | undefined).get('next')
  const fromLink = next?.params.page_token
  if (fromLink !== undefined && fromLink !== '') return fromLink
  const fromBody = (result.body as { next_page_token?: unknown } | null | undefined)?.next_page_token
  return typeof fromBody === 'string' && fromBody !== '' ? fromBody : undefined
}

export interface PaginateOptions extends CallOptions {
  /** Stop after this many pages even if Ory offers more. */
  maxPages?: number
}

/** A generated list operation (`identity.listIdentities`, say), the first page's parameters, and the call's options. */
type PageArguments<P, R> = [
  client: OryClient,
  fn: (client: OryClient, params: P, options?: CallOptions) => Promise<R>,
  params: NoInfer<NonNullable<P>>,
  options?: PaginateOptions
]

// The result is inferred whole: from `OryResult<Op>`, a conditional type, TypeScript cannot infer `Op` and the pages
// would be `unknown`. `P` may include `undefined` because a function whose params are optional takes `P | undefined`;
// `NoInfer` lets the generated function, not the literal, decide what `params` may hold.
/**
 * Walks a paginated list operation page by page, following `page_token` until Ory offers no next page.
 *
 *   for await (const page of paginate(client, identity.listIdentities, { page_size: 250 })) { … page.body … }
 */
export async function * paginate<P extends { page_token?: string } | undefined, R extends OryResponse<number, unknown>> (
  ...[client, fn, params, options = {}]: PageArguments<P, R>
): AsyncGenerator<R, void, undefined> {
  const { maxPages = 1000, ...callOptions } = options
  let token = params.page_token
  // The caller's own starting token counts as seen: Ory echoing it back would repeat the first page.
  const seen = new Set<string>(token === undefined ? [] : [token])
  for (let page = 0; page < maxPages; page++) {
    const result = await fn(client, { ...params, page_token: token }, callOptions)
    yield result
    token = nextPageToken(result)
    // A token seen before would loop for ever.
    if (token === undefined || seen.has(token)) return
    seen.add(token)
  }
}

/** Like `paginate`, but yields the items of list bodies one by one. */
export async function * paginateItems<P extends { page_token?: string } | undefined, R extends OryResponse<number, unknown>> (
  ...[client, fn, params, options = {}]: PageArguments<P, R>
): AsyncGenerator<unknown, void, undefined> {
  for await (const page of paginate(client, fn, params, options)) {
    const body = page.body as unknown
    const items = Array.isArray(body) ? body : (body as { relation_tuples?: unknown[] } | undefined)?.relation_tuples ?? []
    yield * items
  }
}
