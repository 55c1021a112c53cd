import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorCodes, HttpError } from '../errors.js'

export interface CsrfOptions {
  /** The origin the browser sees (PUBLIC_URL): the only origin state-changing /api/* calls may come from. */
  publicUrl: string
}

// Calls that carry the user's tokens (the OAuth2 session, the API proxy) are checked whatever their method: a GET
// through the proxy may change state at the API, and none of them is a navigation. The exceptions are the top-level
// navigations of a login and of the redirect to the provider's logout, and the provider's server-to-server
// back-channel logout, which no browser sends and whose signed logout token is its authentication (OIDC
// Back-Channel Logout 1.0 §2.5). Admin calls act with the project's API key: a cross-site GET is refused there too.
const ALWAYS_CHECKED = ['/api/oauth2/', '/api/proxy/', '/api/admin/']
const NAVIGATIONS = new Set(['/api/oauth2/login', '/api/oauth2/callback', '/api/oauth2/end-session'])
const SERVER_TO_SERVER = new Set(['/api/oauth2/backchannel-logout'])

/** Does this request need the CSRF check: a state-changing /api/* call, or any call that carries the user's tokens. */
export function needsCsrfCheck (request: FastifyRequest): boolean {
  if (!isApiRequest(request)) return false
  const route = request.routeOptions.url
  const path = route ?? decodedPath(request.url)
  if (route !== undefined && SERVER_TO_SERVER.has(route)) return false
  if (!SAFE_METHODS.has(request.method)) return true
  if (NAVIGATIONS.has(path)) return false
  const raw = decodedPath(request.url)
  return ALWAYS_CHECKED.some(prefix => path.startsWith(prefix) || raw.startsWith(prefix))
}

/** Which check refused a request, in `details.check`. */
export type CsrfCheck = 'sec-fetch-site' | 'origin' | 'custom-header'

// Kratos's id and wording for a CSRF failure, so that an SPA handles both alike.
const CSRF_ID = 'security_csrf_violation'
const CSRF_MESSAGE = 'the request was rejected to protect you from Cross-Site-Request-Forgery'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
// https://w3c.github.io/webappsec-fetch-metadata/: `none` is a navigation the user started (address bar, bookmark).
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none'])
// The Fetch standard's CORS response headers. Without them a browser refuses every cross-origin call that carries the
// custom header below (its preflight fails), which is what makes that header a defence.
const CORS_HEADERS = [
  'access-control-allow-origin', 'access-control-allow-credentials', 'access-control-allow-methods',
  'access-control-allow-headers', 'access-control-expose-headers', 'access-control-max-age'
]

function refuse (check: CsrfCheck, reason: string): HttpError {
  return new HttpError(403, CSRF_MESSAGE, { code: ErrorCodes.CROSS_SITE_REQUEST, id: CSRF_ID, reason, details: { check } })
}

function header (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

/** The path as sent, percent-decoded (only when it holds a `%`: most paths do not, and need no decoding). */
function decodedPath (url: string): string {
  const query = url.indexOf('?')
  const path = query === -1 ? url : url.slice(0, query)
  if (!path.includes('%')) return path
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

function underApi (path: string): boolean {
  return path.startsWith('/api') && (path.length === 4 || path.charCodeAt(4) === 47 /* / */)
}

/**
 * Is this a request for the BFF's own API? Both the route matched and the path as sent are looked at, so that a path
 * the router decodes (`/%61pi/…`) cannot slip past a check on the raw text.
 */
export function isApiRequest (request: FastifyRequest): boolean {
  const route = request.routeOptions.url
  return (route !== undefined && underApi(route)) || underApi(decodedPath(request.url))
}

/**
 * Why this state-changing request is not from the SPA's own origin, or undefined when it is. OWASP's CSRF cheat
 * sheet, "Fetch Metadata headers", "Verifying origin with standard headers" and "Custom request headers".
 */
export function csrfProblem (request: FastifyRequest, publicOrigin: string): HttpError | undefined {
  const site = header(request, 'sec-fetch-site')
  if (site !== undefined && !ALLOWED_FETCH_SITES.has(site.trim().toLowerCase())) {
    return refuse('sec-fetch-site', `The browser says this request comes from another site (Sec-Fetch-Site: ${site.slice(0, 32)}); only same-origin requests may change state.`)
  }
  const origin = header(request, 'origin')
  if (origin !== undefined && !sameOrigin(origin, publicOrigin)) {
    return refuse('origin', 'The request\'s Origin is not this application\'s origin; only same-origin requests may change state.')
  }
  const requestedWith = header(request, 'x-requested-with')
  const csrf = header(request, 'x-csrf')
  if (requestedWith?.trim().toLowerCase() !== 'xmlhttprequest' && csrf?.trim() !== '1') {
    return refuse('custom-header', 'The request lacks the header X-Requested-With: XMLHttpRequest (or X-CSRF: 1) that state-changing API calls must carry.')
  }
  return undefined
}

function sameOrigin (origin: string, publicOrigin: string): boolean {
  // RFC 6454 §7.3: `null` is an opaque origin (a sandboxed frame, a data: URL, a redirect across origins).
  if (origin === 'null') return false
  try {
    return new URL(origin).origin === publicOrigin
  } catch {
    return false
  }
}

/**
 * CSRF defence for every state-changing call of the BFF's own API (`/api/*`, any method but GET, HEAD and OPTIONS),
 * and for every call of `/api/oauth2/*` and `/api/proxy/*` but the login navigations (see needsCsrfCheck), as an
 * onRequest hook, so that it runs before a session is looked up or a body is read. Ory's browser API under
 * ORY_PATH_PREFIX keeps Kratos's own CSRF tokens and is not touched. No CORS is offered for /api/*: any CORS header
 * on its answers is removed, since the custom-header check relies on cross-origin preflights failing.
 */
export const csrfPlugin = fp(async function csrf (app: FastifyInstance, options: CsrfOptions) {
  const publicOrigin = new URL(options.publicUrl).origin
  // Callback hooks, not async ones: they run on every request, and most of them are not for /api at all.
  app.addHook('onRequest', function checkCsrf (request, _reply, done) {
    if (!needsCsrfCheck(request)) return done()
    done(csrfProblem(request, publicOrigin))
  })
  app.addHook('onSend', function noCors (request, reply, payload, done) {
    if (isApiRequest(request)) for (const name of CORS_HEADERS) reply.removeHeader(name)
    done(null, payload)
  })
}, { name: 'csrf', fastify: '5.x' })
