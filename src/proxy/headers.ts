import type { IncomingHttpHeaders } from 'node:http'

// Which headers cross the proxy to the SPA's APIs. Requests: the browser's headers, minus its credentials (the BFF
// sends the user's token instead), minus hop-by-hop headers, and minus every header that claims to say who the client
// is or how it came: the API learns that from the BFF alone, which decided it with TRUST_PROXY. Answers: the API's
// headers minus hop-by-hop ones, Set-Cookie and CORS.

/** RFC 9110 §7.6.1, plus the non-standard Keep-Alive and Proxy-Connection that HTTP/1.1 proxies still meet. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization']

/**
 * Request headers never passed on: the browser's credentials (its cookies are the BFF's and Ory's, not the API's;
 * `Authorization` and Ory's `X-Session-Token` are replaced by the user's token), the Host (undici sets the API's), the
 * BFF's own request id (set again below), and `Expect` (the BFF streams the body; undici refuses the header).
 * Client-address headers besides X-Forwarded-* and Forwarded are dropped too: an API may believe any of them.
 */
const DROPPED_REQUEST = new Set([
  ...HOP_BY_HOP, 'cookie', 'authorization', 'x-session-token', 'host', 'x-request-id', 'expect', 'forwarded',
  'x-real-ip', 'true-client-ip', 'client-ip', 'x-client-ip', 'x-original-forwarded-for'
])

/**
 * Answer headers never passed on. Set-Cookie: an API behind the BFF would set cookies on the SPA's origin, where the
 * browser sends them to every route, Ory's mirror included; the BFF keeps the SPA's origin for its own cookies and
 * Ory's. CORS: the SPA calls its own origin (and the CSRF defence of /api/* relies on no CORS being offered).
 */
const DROPPED_RESPONSE = new Set([
  ...HOP_BY_HOP, 'set-cookie', 'set-cookie2',
  'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods',
  'access-control-allow-headers', 'access-control-expose-headers', 'access-control-max-age'
])

/** The names listed in a `Connection` header (RFC 9110 §7.6.1): hop-by-hop for this one message. */
function connectionNames (value: string | string[] | undefined): Set<string> {
  const names = new Set<string>()
  if (value === undefined) return names
  for (const line of Array.isArray(value) ? value : [value]) {
    for (const name of line.split(',')) {
      const trimmed = name.trim().toLowerCase()
      if (trimmed !== '') names.add(trimmed)
    }
  }
  return names
}

/** What the BFF knows of the request, from Fastify (per TRUST_PROXY), never from the client's own headers. */
export interface ForwardedFacts {
  /** The client's address. */
  ip: string
  /** `http` or `https`, as the browser reached the BFF. */
  protocol: string
  /** The host (and port) the browser asked for. */
  host: string
  requestId: string
}

/**
 * The headers of the call to the API (lower-case names): the browser's headers without credentials, hop-by-hop,
 * Host or client-address headers; then `Authorization: Bearer <token>`, `X-Forwarded-For`, `-Proto` and `-Host` set
 * anew from `facts` (one hop: the BFF is the API's only client, so the chain ends with what the BFF concluded), and
 * `X-Request-Id`. X-Forwarded-* rather than RFC 7239 `Forwarded`: what most frameworks read by default.
 */
export function forwardRequestHeaders (incoming: IncomingHttpHeaders, token: string, facts: ForwardedFacts): Record<string, string | string[]> {
  const named = connectionNames(incoming.connection)
  const headers: Record<string, string | string[]> = {}
  for (const name in incoming) {
    const value = incoming[name]
    if (value === undefined || DROPPED_REQUEST.has(name) || named.has(name) || name.startsWith('x-forwarded-')) continue
    headers[name] = value
  }
  headers.authorization = `Bearer ${token}`
  headers['x-forwarded-for'] = facts.ip
  headers['x-forwarded-proto'] = facts.protocol
  headers['x-forwarded-host'] = facts.host
  headers['x-request-id'] = facts.requestId
  return headers
}

/** The API's answer headers as the browser gets them: without hop-by-hop headers, Set-Cookie or CORS. */
export function forwardResponseHeaders (received: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const named = connectionNames(received.connection)
  const headers: Record<string, string | string[]> = {}
  for (const name in received) {
    const value = received[name]
    if (value === undefined || DROPPED_RESPONSE.has(name) || named.has(name)) continue
    headers[name] = value
  }
  return headers
}
