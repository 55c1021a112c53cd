import { randomBytes } from 'node:crypto'
import { csrfCookieName } from './csrf.js'
import { DEFAULT_SCHEMA_ID, defaultIdentitySchema, IdentitySchemaDocument, type JsonSchema } from './identity-schema.js'
import { OAuth2Provider, type OAuth2Options } from './oauth2.js'
import { EmulatorState } from './state.js'
import { SessionTokenizer, type TokenizeTemplate } from './tokenizer.js'

export interface ObservedResponse {
  method: string
  /** The path with its query, as requested. */
  url: string
  /** Fastify's route pattern (`/admin/identities/:id`), or undefined for a 404 of the router. */
  route: string | undefined
  status: number
  headers: Record<string, unknown>
  /** Parsed JSON, a string for other bodies, undefined when empty. */
  body: unknown
}

export interface EmulatorOptions extends OAuth2Options {
  /** Interface to listen on; loopback unless you ask otherwise. */
  host?: string
  /** 0 picks a free port. Default 4433, Kratos' public port. */
  port?: number
  /** The emulator's public URL, used in `ui.action`, `request_url`, logout URLs and cookies' Secure. */
  baseUrl?: string
  /**
   * The base of links in e-mails (verification links), e.g. `<PUBLIC_URL>/.ory` when the emulator sits behind the
   * sidecar's mirror: the URL the browser uses, not the emulator's own. Default: `baseUrl`. A flow started with a
   * valid `Ory-Base-URL-Rewrite` header uses that header's URL instead.
   */
  courierBaseUrl?: string
  /**
   * Kratos' `cookies.domain`: the `Domain` of the session and anti-CSRF cookies. Unset (Kratos' default), they are
   * host-only cookies of the base URL's host.
   */
  cookieDomain?: string
  /** Where the SPA's pages live: `<uiUrl>/login`, `/registration`, `/settings`, `/recovery`, `/verification`, `/error`. */
  uiUrl?: string
  /** Override single UI pages (absolute URLs). */
  uiUrls?: Partial<Record<'login' | 'registration' | 'settings' | 'recovery' | 'verification' | 'error' | 'defaultReturn', string>>
  /** Where `return_to` may point; default: the UI's origin. The emulator's own URL is always allowed. */
  allowedReturnUrls?: string[]
  /** A seed file's path or the seed itself. */
  seed?: string | EmulatorSeed
  /** Fastify's logger option: false (default), true, or pino options. */
  logger?: boolean | Record<string, unknown>
  /** When set, admin, Keto and courier APIs require `Authorization: Bearer <apiKey>`, as Ory Network does. */
  apiKey?: string
  /**
   * When set, the console API (`/projects`, `/workspaces`) requires `Authorization: Bearer <workspaceApiKey>`, as
   * Ory Network's console does with a workspace API key.
   */
  workspaceApiKey?: string
  /** The project and workspace the console API shows (ids, names); defaults otherwise, with random ids. */
  console?: ConsoleSeed
  /**
   * Keto namespaces. When set, relationships may only be written in these (and subject sets may only name these), as
   * with a Keto that has namespaces configured; when unset, any namespace is accepted.
   */
  namespaces?: string[]
  /** Identity schemas by id; default: the bundled email + name schema as `default`. */
  identitySchemas?: Record<string, JsonSchema>
  /** Self-service flow lifespan (Kratos default 1h). */
  flowLifespanMs?: number
  /** Session lifespan (Kratos default 24h). */
  sessionLifespanMs?: number
  /** How long after sign-in a session may change its password or identifiers (Kratos default 15m). */
  privilegedSessionMaxAgeMs?: number
  /** scrypt's cost N for new password hashes (default 16384); tests may lower it to run faster. */
  passwordHashCost?: number
  /** Whether registration signs the new identity in (Ory Network's default: yes). */
  sessionAfterRegistration?: boolean
  /**
   * Session-to-JWT templates for `whoami?tokenize_as=<name>`, by name; `jwt_example` (60 s, with a `session` claim) is
   * always there unless overridden. Their public keys: `GET /admin/emulator/tokenizer/jwks.json`.
   */
  tokenizeTemplates?: Record<string, TokenizeTemplate>
  /** The clock, for tests that need flows and sessions to expire. */
  now?: () => number
  /** Sees every response; the tests use it to hold each one to the spec. */
  onResponse?: (response: ObservedResponse) => void
}

/** The project and workspace the console API shows. */
export interface ConsoleSeed {
  workspace?: { id?: string, name?: string }
  project?: { id?: string, name?: string, slug?: string, environment?: 'prod' | 'stage' | 'dev', home_region?: 'eu-central' | 'asia-northeast' | 'us-east' | 'us-west' | 'us' | 'global' }
}

export interface SeedIdentity {
  id?: string
  schema_id?: string
  traits: Record<string, unknown>
  /** A plain password, hashed with scrypt when the seed is loaded. */
  password?: string
  /** A pre-hashed password in Kratos' scrypt format (`$scrypt$ln=…`). */
  hashed_password?: string
  /** Ory's import shape is accepted too. */
  credentials?: { password?: { config?: { password?: string, hashed_password?: string } } }
  state?: 'active' | 'inactive'
  /** Mark every verifiable address as verified. */
  verified?: boolean
  verifiable_addresses?: Array<{ value: string, verified: boolean, via?: string, status?: string }>
  metadata_public?: unknown
  metadata_admin?: unknown
  external_id?: string
}

export interface SeedRelationship {
  namespace: string
  object: string
  relation: string
  subject_id?: string
  subject_set?: { namespace: string, object: string, relation: string }
}

export interface EmulatorSeed {
  identities?: SeedIdentity[]
  relation_tuples?: SeedRelationship[]
}

function trimSlash (url: string): string {
  return url.replace(/\/+$/, '')
}

function parseAbsolute (name: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`${name} is not an absolute URL: ${value}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be http(s): ${value}`)
  return url
}

export const SESSION_COOKIE = 'ory_kratos_session'

/** What every route module gets: the state, the clock, the configuration and the URLs derived from it. */
export class EmulatorContext {
  readonly state = new EmulatorState()
  readonly schemas = new Map<string, IdentitySchemaDocument>()
  readonly apiKey: string | undefined
  readonly workspaceApiKey: string | undefined
  readonly consoleSeed: ConsoleSeed
  readonly flowLifespanMs: number
  readonly sessionLifespanMs: number
  readonly privilegedSessionMaxAgeMs: number
  readonly sessionAfterRegistration: boolean
  readonly passwordHashCost: number | undefined
  /** The configured Keto namespaces, or undefined to accept any. */
  readonly namespaces: ReadonlySet<string> | undefined
  /** Seals session cookies; a fresh one per start, so cookies do not outlive the emulator's memory anyway. */
  readonly secret = randomBytes(32)
  readonly tokenizer: SessionTokenizer
  /** Hydra's side: clients, keys, codes and tokens (see oauth2.ts). */
  readonly oauth2: OAuth2Provider
  readonly #now: () => number
  readonly #options: EmulatorOptions
  #baseUrl = ''
  #courierBaseUrl: string | undefined

  constructor (options: EmulatorOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.apiKey = options.apiKey
    this.workspaceApiKey = options.workspaceApiKey
    this.consoleSeed = options.console ?? {}
    this.flowLifespanMs = options.flowLifespanMs ?? 60 * 60_000
    this.sessionLifespanMs = options.sessionLifespanMs ?? 24 * 60 * 60_000
    this.privilegedSessionMaxAgeMs = options.privilegedSessionMaxAgeMs ?? 15 * 60_000
    this.sessionAfterRegistration = options.sessionAfterRegistration ?? true
    this.passwordHashCost = options.passwordHashCost
    this.namespaces = options.namespaces === undefined ? undefined : new Set(options.namespaces)
    this.tokenizer = new SessionTokenizer(options.tokenizeTemplates)
    this.oauth2 = new OAuth2Provider(this, options)
    const schemas = options.identitySchemas ?? { [DEFAULT_SCHEMA_ID]: defaultIdentitySchema }
    for (const [id, schema] of Object.entries(schemas)) this.schemas.set(id, new IdentitySchemaDocument(id, schema))
    if (!this.schemas.has(DEFAULT_SCHEMA_ID)) throw new Error(`identitySchemas must include "${DEFAULT_SCHEMA_ID}"`)
    for (const url of options.allowedReturnUrls ?? []) parseAbsolute('allowedReturnUrls', url)
    parseAbsolute('uiUrl', this.uiUrl)
    if (options.baseUrl !== undefined) this.setBaseUrl(options.baseUrl)
    if (options.courierBaseUrl !== undefined) this.#courierBaseUrl = trimSlash(parseAbsolute('courierBaseUrl', options.courierBaseUrl).href)
  }

  now (): number {
    return this.#now()
  }

  get baseUrl (): string {
    if (this.#baseUrl === '') throw new Error('the emulator has no base URL yet')
    return this.#baseUrl
  }

  setBaseUrl (value: string): void {
    const url = parseAbsolute('baseUrl', value)
    if (url.search !== '' || url.hash !== '') throw new Error(`baseUrl must not have a query or fragment: ${value}`)
    this.#baseUrl = trimSlash(url.href)
  }

  /**
   * The base URL a flow started by this request captures for its e-mails' links, or undefined. Ory Network takes it
   * from `Ory-Base-URL-Rewrite` when `Ory-Base-URL-Rewrite-Token` is one of the project's API keys, and Kratos copies
   * the request's base URL onto recovery and verification flows at init (x/http.go `BaseURLStringFromContext`,
   * selfservice/flow/verification/flow.go `setCourierBaseURL`). Without an `apiKey` the emulator takes the header as
   * it comes; with one, only with that key as the token.
   */
  baseUrlRewrite (headers: Record<string, string | string[] | undefined>): string | undefined {
    const value = headers['ory-base-url-rewrite']
    if (typeof value !== 'string' || value === '') return undefined
    if (this.apiKey !== undefined && headers['ory-base-url-rewrite-token'] !== this.apiKey) return undefined
    try {
      const url = parseAbsolute('Ory-Base-URL-Rewrite', value)
      return url.search === '' && url.hash === '' ? trimSlash(url.href) : undefined
    } catch {
      return undefined
    }
  }

  /**
   * An absolute URL for a link in an e-mail of a flow: on the base the flow captured, else `courierBaseUrl`, else the
   * base URL (x/http.go `CourierBaseURL` with Kratos's public URL as the fallback; the path is appended to the base's).
   */
  courierUrl (captured: string | undefined, path: string, query: Record<string, string | undefined> = {}): string {
    const base = captured ?? this.#courierBaseUrl
    const url = this.url(path, query)
    return base === undefined ? url : `${base}${url.slice(this.baseUrl.length)}`
  }

  get uiUrl (): string {
    return trimSlash(this.#options.uiUrl ?? 'http://localhost:4000')
  }

  /** An absolute URL on the emulator's public URL. */
  url (path: string, query: Record<string, string | undefined> = {}): string {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value)
    const search = params.toString()
    return `${this.baseUrl}${path}${search === '' ? '' : `?${search}`}`
  }

  ui (page: 'login' | 'registration' | 'settings' | 'recovery' | 'verification' | 'error' | 'defaultReturn'): string {
    const override = this.#options.uiUrls?.[page]
    if (override !== undefined) return override
    return page === 'defaultReturn' ? `${this.uiUrl}/` : `${this.uiUrl}/${page}`
  }

  /** A UI page with query parameters appended (`?flow=<id>`). */
  uiWith (page: Parameters<EmulatorContext['ui']>[0], query: Record<string, string>): string {
    const url = new URL(this.ui(page))
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
    return url.href
  }

  get allowedReturnUrls (): URL[] {
    const configured = this.#options.allowedReturnUrls ?? [new URL(this.uiUrl).origin]
    return [...configured, this.baseUrl].map(value => new URL(value))
  }

  get cookieDomain (): string | undefined {
    const domain = this.#options.cookieDomain
    return domain === undefined || domain === '' ? undefined : domain
  }

  get cookieSecure (): boolean {
    return new URL(this.baseUrl).protocol === 'https:'
  }

  get csrfCookieName (): string {
    return csrfCookieName(this.baseUrl)
  }
}
