import type { IncomingHttpHeaders } from 'node:http'

// Whether a request the mirror refuses came from a browser navigating to it (a link, a form post, an address typed in),
// which should land on the error UI, rather than from a script, which reads the JSON error. Kratos decides with
// content negotiation (x/isjsonrequest.go `IsBrowserRequest`: github.com/golang/gddo's httputil.NegotiateContentType
// over the offers below, text/html by default, must pick text/html), and so does the mirror, with two additions:
// - a request with a JSON body is never a navigation (Kratos `IsJSONRequest` checks `Content-Type: application/json`
//   exactly; any JSON media type counts here: browsers cannot navigate with one);
// - Fetch Metadata (https://www.w3.org/TR/fetch-metadata/): a browser sets `Sec-Fetch-Mode`/`Sec-Fetch-Dest` itself,
//   page scripts cannot. When present they are the truth: only `Sec-Fetch-Mode: navigate` is a navigation, and
//   `Sec-Fetch-Dest: empty` (fetch, XHR) never is. Without this, an SPA's fetch() with the default `Accept: */*`
//   negotiates to text/html, and fetch would follow the 303 silently to the error page's HTML, answered 200: the
//   SPA would never see that its request was refused.
// A missing Accept, or `Accept: */*` (curl), is a browser, as in Kratos.

const OFFERS = ['text/html', 'text/*', '*/*', 'application/json'] as const
const DEFAULT_OFFER = 'text/html'

interface AcceptSpec {
  value: string
  q: number
}

/** Whether the mirror answers a refusal of this request with a redirect to the error UI. */
export function isBrowserNavigation (headers: IncomingHttpHeaders): boolean {
  const mode = headers['sec-fetch-mode']
  if (mode !== undefined && mode !== 'navigate') return false
  if (headers['sec-fetch-dest'] === 'empty') return false
  const contentType = headers['content-type']
  if (contentType !== undefined && isJsonMediaType(contentType)) return false
  return negotiate(headers.accept) === DEFAULT_OFFER
}

function isJsonMediaType (contentType: string): boolean {
  const end = contentType.indexOf(';')
  return (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase() === 'application/json'
}

/**
 * gddo's NegotiateContentType: the offer of the highest q, a more specific match winning between equal q, the earlier
 * offer between equal specificity. Media types are compared as written (case-sensitively), as gddo does.
 */
function negotiate (accept: string | undefined): string {
  let bestOffer: string = DEFAULT_OFFER
  let bestQ = -1
  let bestWild = 3
  const specs = accept === undefined ? [] : parseAccept(accept)
  for (const offer of OFFERS) {
    for (const { value, q } of specs) {
      if (q === 0 || q < bestQ) continue
      if (value === '*/*') {
        if (q > bestQ || bestWild > 2) [bestQ, bestWild, bestOffer] = [q, 2, offer]
      } else if (value.endsWith('/*')) {
        if (offer.startsWith(value.slice(0, -1)) && (q > bestQ || bestWild > 1)) [bestQ, bestWild, bestOffer] = [q, 1, offer]
      } else if (value === offer && (q > bestQ || bestWild > 0)) {
        [bestQ, bestWild, bestOffer] = [q, 0, offer]
      }
    }
  }
  return bestOffer
}

// RFC 2616 token characters, and `/`.
const TOKEN_OR_SLASH = /^[!#$%&'*+\-.^_`|~0-9A-Za-z/]*/
const SPACE = /^[ \t\r\n]*/
const QUALITY = /^([01])(?:\.([0-9]*))?/

/**
 * gddo's header.ParseAccept, which is stricter than RFC 9110: a parameter other than `q` as the first one, or a
 * q-value it cannot read, ends the reading of the header there, and the media range it belongs to is dropped.
 */
function parseAccept (header: string): AcceptSpec[] {
  const specs: AcceptSpec[] = []
  let rest = header
  for (;;) {
    const value = TOKEN_OR_SLASH.exec(rest)![0]
    if (value === '') return specs
    rest = skipSpace(rest.slice(value.length))
    let q = 1
    if (rest.startsWith(';')) {
      rest = skipSpace(rest.slice(1))
      if (!rest.startsWith('q=')) return specs
      const quality = QUALITY.exec(rest.slice(2))
      if (quality === null) return specs
      const fraction = quality[2] ?? ''
      q = Number(quality[1]) + (fraction === '' ? 0 : Number(fraction) / 10 ** fraction.length)
      rest = rest.slice(2 + quality[0].length)
    }
    specs.push({ value, q })
    rest = skipSpace(rest)
    if (!rest.startsWith(',')) return specs
    rest = skipSpace(rest.slice(1))
  }
}

function skipSpace (text: string): string {
  return text.slice(SPACE.exec(text)![0].length)
}
