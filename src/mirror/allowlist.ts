// The browser paths of Ory that are not operations of the spec but that Kratos' (and, opted in, Hydra's) browser
// flows need. One explicit list: a path is forwarded only when every one of its segments is plain and the whole
// matches an entry. Everything else below the prefix (/admin/*, project, workspace, events, Keto, typos) is a 404.

export type PassThroughMethod = 'GET' | 'POST'

export interface PassThroughEntry {
  /** Names the path in metrics and logs, like an operationId. */
  readonly id: string
  /** Segments; `{name}` is one plain segment, `**` one or more. */
  readonly path: string
  readonly methods: readonly PassThroughMethod[]
  /** Only with HYDRA_PUBLIC_PATHS=true. */
  readonly hydra?: boolean
  /** The browser's `Authorization` goes along (an OAuth2 access token for /userinfo); nowhere else. */
  readonly authorization?: boolean
  /** Ory's Cache-Control passes (public discovery documents); every other answer is `no-store`. */
  readonly cacheable?: boolean
}

export const PASS_THROUGH: readonly PassThroughEntry[] = [
  // Social sign-in: the provider sends the browser back here (GET, or POST for form_post providers such as Apple).
  { id: 'mirrorOidcCallback', path: '/self-service/methods/oidc/callback/{provider}', methods: ['GET', 'POST'] },
  { id: 'mirrorOidcOrganizationCallback', path: '/self-service/methods/oidc/organization/{organization}/callback/{provider}', methods: ['GET', 'POST'] },
  // SAML: the assertion consumer service (POST), metadata and the other endpoints of the method.
  { id: 'mirrorSaml', path: '/self-service/methods/saml/**', methods: ['GET', 'POST'] },
  // The links in recovery and verification e-mails submit the flow with GET.
  { id: 'mirrorRecoveryLink', path: '/self-service/recovery', methods: ['GET'] },
  { id: 'mirrorVerificationLink', path: '/self-service/verification', methods: ['GET'] },
  // After a `refresh=true` sign-in, Kratos sends the browser back to the settings submit URL with GET, which applies
  // the change that needed the fresh sign-in (selfservice/flow/settings/handler.go, `public.GET(RouteSubmitFlow, …)`).
  { id: 'mirrorSettingsResume', path: '/self-service/settings', methods: ['GET'] },
  // Password managers' well-known URL (https://w3c.github.io/webappsec-change-password-url/).
  { id: 'mirrorChangePassword', path: '/.well-known/change-password', methods: ['GET'] },
  // Hydra's public browser endpoints, opt-in.
  { id: 'mirrorOAuth2Authorize', path: '/oauth2/auth', methods: ['GET', 'POST'], hydra: true },
  { id: 'mirrorOAuth2Logout', path: '/oauth2/sessions/logout', methods: ['GET', 'POST'], hydra: true },
  { id: 'mirrorOidcDiscovery', path: '/.well-known/openid-configuration', methods: ['GET'], hydra: true, cacheable: true },
  { id: 'mirrorJwks', path: '/.well-known/jwks.json', methods: ['GET'], hydra: true, cacheable: true },
  { id: 'mirrorUserinfo', path: '/userinfo', methods: ['GET', 'POST'], hydra: true, authorization: true }
]

export function passThroughEntries (hydra: boolean): PassThroughEntry[] {
  return PASS_THROUGH.filter(entry => entry.hydra !== true || hydra)
}

/**
 * Where URLs that Ory writes are rewritten to the mirror: the roots of every path the mirror serves. A URL on Ory
 * elsewhere (its hosted UI, its admin API) is left pointing at Ory, where it still works, rather than at a 404.
 */
export function mirroredRoots (hydra: boolean): string[] {
  const roots = ['/self-service/', '/sessions', '/schemas', '/.well-known/ory/', '/.well-known/change-password']
  if (hydra) roots.push('/oauth2/auth', '/oauth2/sessions/logout', '/.well-known/openid-configuration', '/.well-known/jwks.json', '/userinfo')
  return roots
}

// RFC 3986 §2.3 unreserved characters only: no percent-encoding (so no encoded `/`, `\` or `.`), no `;`, no `\`.
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]+$/

/**
 * The segments of a raw path (as the request line has it, before any decoding), or undefined when any segment is
 * not plain: empty (`//`), a dot segment (`.`, `..`), or holding anything but unreserved characters (`%2e`, `%2f`,
 * `\`, `;`). What is checked is then exactly what is forwarded: no decoding or normalisation happens in between.
 */
export function plainSegments (rawPath: string): string[] | undefined {
  if (rawPath === '') return undefined
  const segments = rawPath.split('/')
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || !PLAIN_SEGMENT.test(segment)) return undefined
  }
  return segments
}

interface CompiledEntry {
  entry: PassThroughEntry
  segments: string[]
}

/** Finds the allowlist entry for a method and a plain path (segments below the prefix). */
export class PassThroughAllowlist {
  readonly #entries: CompiledEntry[]

  constructor (entries: readonly PassThroughEntry[]) {
    this.#entries = entries.map(entry => ({ entry, segments: entry.path.slice(1).split('/') }))
  }

  match (method: string, segments: readonly string[]): PassThroughEntry | undefined {
    for (const { entry, segments: pattern } of this.#entries) {
      if (!(entry.methods as readonly string[]).includes(method)) continue
      if (matches(pattern, segments)) return entry
    }
    return undefined
  }
}

function matches (pattern: readonly string[], segments: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!
    if (expected === '**') return segments.length > i
    const actual = segments[i]
    if (actual === undefined) return false
    if (expected.startsWith('{')) continue
    if (expected !== actual) return false
  }
  return segments.length === pattern.length
}
