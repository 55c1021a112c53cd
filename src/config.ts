import { readFileSync, statSync } from 'node:fs'
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { DEFAULT_CONSOLE_URL } from './constants.js'
import { CookieRewriter } from './http/cookie-rewriter.js'
import { cookieNameMatcher, type CookieNameMatcher } from './http/cookies.js'
import type { UpstreamHeaderOptions } from './http/headers.js'
import {
  DEFAULT_TRACES_SAMPLER, parseOtlpHeaders, parseRatio, samplerTakesRatio, TRACES_EXPORTERS, TRACES_SAMPLERS, tracesUrl, type TracesSampler
} from './telemetry/settings.js'

export { DEFAULT_CONSOLE_URL }

/**
 * The upstream used outside production when `ORY_URL` is not set: the local Ory emulator (src/emulator), which the
 * server starts on this address, Kratos's default public port, so its admin API (e.g. the courier's codes) is at a
 * known place.
 */
export const DEVELOPMENT_ORY_URL = 'http://127.0.0.1:4433'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

/** Secrets that may also be read from a file named by `<NAME>_FILE`, the usual way with container secrets. */
export const FILE_VARIABLES = [
  'ORY_API_KEY', 'ORY_WORKSPACE_API_KEY', 'COOKIE_SECRET', 'OAUTH2_CLIENT_SECRET', 'REDIS_URL', 'API_ROUTES', 'OTEL_EXPORTER_OTLP_HEADERS'
] as const

/** The scopes asked for when `OAUTH2_SCOPES` is not set: an ID token, and a refresh token to stay signed in. */
export const DEFAULT_OAUTH2_SCOPES = 'openid offline_access'
/** The claims `/api/oauth2/user` shows when `OAUTH2_USER_CLAIMS` is not set (OpenID Connect Core §5.1). */
export const DEFAULT_OAUTH2_USER_CLAIMS = 'sub,name,given_name,family_name,preferred_username,email,email_verified,picture,locale,zoneinfo'
/** The shortest secret COOKIE_SECRET accepts: HKDF turns it into keys, but a short secret is a guessable one. */
export const MIN_COOKIE_SECRET_LENGTH = 32
/**
 * The policy for HTML pages from the static root (STATIC_CSP's default): the page's own scripts, styles and API calls
 * ('self'), no plugins, no framing; `img-src data:` because Ory sends TOTP QR codes as data URLs. Styles may also be
 * inline: Ory Elements' dependencies (sonner's toasts, the one-time-code input, dropdowns) add `<style>` elements at
 * run time. Inline script and eval stay forbidden.
 */
export const DEFAULT_STATIC_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'"
].join('; ')
export const API_ROUTE_NAME = '^[a-z0-9][a-z0-9_-]{0,62}$'
export const API_ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** One upstream API the SPA reaches at `/api/proxy/<name>/*`, called with the user's token. */
export interface ApiRoute {
  name: string
  /** The upstream's base URL, no trailing slash, no query. */
  url: string
  /** Upper case; anything else gets a 405. */
  methods: string[]
  /**
   * Which token the API accepts: `oauth2`, the access token of a user who signed in through `/api/oauth2`; `session`,
   * a JWT made from the user's Ory session (`tokenize_as`); `any` (default), whichever the user has, OAuth2 first.
   */
  token: 'oauth2' | 'session' | 'any'
  /** Ory's session-to-JWT template (`toSession?tokenize_as=`); required for `session`. */
  tokenizeAs: string | undefined
}

/** The BFF as an OAuth2 confidential client of `issuer` (OAUTH2_*). */
/** Who may call the admin routes (ADMIN_POLICY). */
export type AdminPolicy =
  | { kind: 'keto', namespace: string, object: string, relation: string }
  | { kind: 'metadata_public', key: string, value: string }

export interface AdminConfig {
  policy: AdminPolicy
  /** Operation ids and group names as given (checked against the admin operations when the routes are made); undefined: all. */
  allow: string[] | undefined
  deny: string[]
  policyCacheTtlMs: number
  rateLimit: { max: number, windowMs: number }
}

export interface RateLimitConfig {
  windowMs: number
  /** Requests per window per client IP, over the limited routes together. */
  ipMax: number
  /** Requests per window naming one identifier, from any address. */
  identifierMax: number
}

export interface OAuth2Config {
  issuer: string
  clientId: string
  clientSecret: string
  scopes: string[]
  /** `<PUBLIC_URL>/api/oauth2/callback`, registered at the provider. */
  redirectUri: string
  /** `<PUBLIC_URL>/api/oauth2/backchannel-logout`, registered at the provider when TOKEN_STORE=redis. */
  backchannelLogoutUri: string
  postLogoutRedirectUri: string
  refreshSkewSeconds: number
  userClaims: string[]
}

// RFC 1123 host names, IPv4, or an IPv6 address (checked with net.isIP below).
const HOST_NAME = '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$'
const COOKIE_DOMAIN = '^\\.?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$'
const NO_SPACE = '^[\\x21-\\x7E]+$'
// RFC 6265 §4.1.1: a cookie name is an RFC 7230 token; a trailing `*` stands for any rest of the name.
const COOKIE_NAME_PATTERN = "^[!#$%&'+.^_`|~0-9A-Za-z-]+\\*?$"
export const DEFAULT_ORY_COOKIE_PATTERN = 'ory_session_*,ory_kratos_session,ory_kratos_continuity,csrf_token_*,ory_hydra_*'

interface Meta {
  /** What a valid value looks like, completing "must be …". */
  expected: string
  /** Never echo the value in an error message. */
  secret?: boolean
}

const integer = (minimum: number, maximum: number, fallback: number, expected: string, description: string) =>
  Type.Integer({ minimum, maximum, default: fallback, expected, description })

/**
 * The environment as the process reads it. Values are strings except integers, converted strictly beforehand.
 * `description` is what docs/configuration.md says about a variable (`npm run docs:config` writes that file).
 */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Optional(Type.String({
    description: '`production` makes `ORY_URL` required and serves nothing at `/` unless `STATIC_DIR` is set. Any other value, or none: an unset `ORY_URL` starts the local Ory emulator, and the example SPA is served at `/`.'
  })),
  PORT: integer(0, 65535, 4000, 'a port number from 0 to 65535 (0 picks a free port)', 'Port to listen on.'),
  HOST: Type.String({ default: '0.0.0.0', minLength: 1, expected: 'a host name or an IP address to listen on', description: 'Address to listen on.' }),
  ORY_URL: Type.Optional(Type.String({
    expected: 'an absolute http(s) URL',
    description: 'The Ory project\'s API: `https://<slug>.projects.oryapis.com`, a custom domain, or self-hosted Ory services behind one origin. No user name, password, query or fragment; a base path is kept. Unset: an error when `NODE_ENV=production`; otherwise the server starts the local Ory emulator at `http://127.0.0.1:4433`, uses it, and logs a warning.'
  })),
  ORY_API_KEY: Type.Optional(Type.String({
    pattern: NO_SPACE,
    secret: true,
    expected: 'an API key of printable characters without spaces',
    description: 'Ory project API key. The Ory client sends it only to operations whose security names it (admin APIs, permission checks). When set, the mirror and the session routes also ask Ory Network to write its links for `PUBLIC_URL` (`Ory-Base-URL-Rewrite`, with the key as `Ory-Base-URL-Rewrite-Token`).'
  })),
  ORY_CONSOLE_URL: Type.String({
    default: DEFAULT_CONSOLE_URL,
    expected: 'an absolute http(s) URL',
    description: 'Ory\'s console API (projects, workspaces, events), where the app\'s Ory client (`app.ory`, `request.ory`) sends console operations. None of the BFF\'s own routes call it; routes you add may.'
  }),
  ORY_WORKSPACE_API_KEY: Type.Optional(Type.String({
    pattern: NO_SPACE,
    secret: true,
    expected: 'an API key of printable characters without spaces',
    description: 'Workspace API key, sent by the app\'s Ory client only to console operations. None of the BFF\'s own routes call them; routes you add may.'
  })),
  PUBLIC_URL: Type.Optional(Type.String({
    expected: 'an http(s) origin such as https://app.example.com',
    description: 'The origin the browser sees (scheme://host[:port], no path): Ory\'s URLs are rewritten to it, cross-site checks compare `Origin` with it, and https here turns on HSTS and `Secure` cookies. Behind a proxy, the public origin. Unset: `http://localhost:<PORT>`.'
  })),
  ORY_PATH_PREFIX: Type.String({
    default: '/.ory',
    pattern: '^(/[A-Za-z0-9._~-]+)+$',
    expected: 'a path such as /.ory (segments of letters, digits, ".", "_", "~" or "-"; no trailing slash)',
    description: 'Path under which Ory\'s browser API is mirrored. Must not be, or be below, `/api`, `/health`, `/metrics` or `/openapi.json`.'
  }),
  COOKIE_DOMAIN: Type.Optional(Type.String({
    pattern: COOKIE_DOMAIN,
    expected: 'a domain name such as example.com',
    description: 'The `Domain` given to Ory\'s cookies on their way to the browser (mirror, logout). Must be `PUBLIC_URL`\'s host or a parent domain of it. Unset: `Domain` is dropped, so the cookies are host-only on `PUBLIC_URL`.'
  })),
  ALLOWED_RETURN_URLS: Type.Optional(Type.String({
    expected: 'a comma-separated list of absolute http(s) URLs',
    description: 'Where `return_to` (and `after_verification_return_to`) may point; a path must lie within an allowed URL\'s path, and `https://*.example.com` allows subdomains. Unset: `PUBLIC_URL`.'
  })),
  ERROR_UI_URL: Type.Optional(Type.String({
    expected: 'an absolute http(s) URL, or a path starting with / on PUBLIC_URL, without a fragment',
    description: 'The SPA\'s error page, as Ory\'s `selfservice.flows.error.ui_url`: a browser that navigated to a mirror URL the BFF refuses (a forbidden `return_to`, an invalid query or form) is sent there with `?id=<error id>`, and the page reads the error with `GET <ORY_PATH_PREFIX>/self-service/errors?id=`. Unset: `<PUBLIC_URL>/error`.'
  })),
  TRUST_PROXY: Type.Optional(Type.String({
    expected: 'true, false, a number of hops, or a comma-separated list of IP addresses and CIDR ranges',
    description: 'Which proxies\' `X-Forwarded-*` headers are believed (for the client IP sent to Ory and the scheme). A list may also name `loopback`, `linklocal` and `uniquelocal`. Unset: `false`.'
  })),
  LOG_LEVEL: Type.Union(LOG_LEVELS.map(level => Type.Literal(level)), {
    default: 'info',
    expected: `one of ${LOG_LEVELS.join(', ')}`,
    description: 'Lowest level of the JSON log lines written to standard output (any case).'
  }),
  UPSTREAM_TIMEOUT_MS: integer(1, 600_000, 10_000, 'an integer number of milliseconds from 1 to 600000',
    'Longest wait for Ory per call: for its headers, for its body, and for the whole call, retries included. No answer in time: 504.'),
  SHUTDOWN_GRACE_MS: integer(0, 3_600_000, 10_000, 'an integer number of milliseconds from 0 to 3600000',
    'How long in-flight requests may take to finish after SIGTERM or SIGINT (after `SHUTDOWN_DELAY_MS`) before the process exits anyway, with code 1.'),
  SHUTDOWN_DELAY_MS: integer(0, 600_000, 5_000, 'an integer number of milliseconds from 0 to 600000',
    'After SIGTERM, how long the server goes on answering requests while `/health/ready` answers 503, so that load balancers stop routing to it before it closes (Kubernetes takes a few seconds to remove an endpoint). SIGINT skips it. 0: close at once.'),
  REQUEST_TIMEOUT_MS: integer(1_000, 600_000, 30_000, 'an integer number of milliseconds from 1000 to 600000',
    'Longest time a client may take to send a whole request, headers and body; a slower one gets a 408 and its connection is closed.'),
  JSON_MAX_DEPTH: integer(1, 1_000, 64, 'an integer number of levels from 1 to 1000',
    'Deepest nesting of objects and arrays accepted in a JSON request body; a deeper one gets a 400 before it is read any further.'),
  SESSION_CACHE_TTL_MS: integer(0, 3_600_000, 5_000, 'an integer number of milliseconds from 0 (no cache) to 3600000',
    'How long an active session\'s whoami answer is cached (never past the session\'s `expires_at`). 0: no cache; concurrent checks are still coalesced.'),
  SESSION_CACHE_MAX: integer(0, 10_000_000, 10_000, 'an integer number of entries from 0 (no cache) to 10000000',
    'Most sessions kept in that cache (least recently used go first). 0: no cache.'),
  SESSION_CACHE_MAX_BYTES: integer(0, 17_179_869_184, 67_108_864, 'an integer number of bytes from 0 (no cache) to 17179869184',
    'Most memory that cache may hold, counted as the bytes of Ory\'s whoami answers kept plus a fixed overhead per entry (least recently used go first). 0: no cache.'),
  PERMISSION_CACHE_TTL_MS: integer(0, 3_600_000, 0, 'an integer number of milliseconds from 0 (no cache) to 3600000',
    'How long a permission check\'s answer is kept per identity and tuple. 0: no cache.'),
  PERMISSION_CACHE_MAX: integer(0, 10_000_000, 10_000, 'an integer number of entries from 0 (no cache) to 10000000',
    'Most permission answers kept in that cache (least recently used go first). 0: no cache.'),
  PERMISSION_BATCH_MAX: integer(1, 1_000, 10, 'an integer number of tuples from 1 to 1000',
    'Most tuples one `POST /api/permissions/check/batch` may ask about. Keto\'s own limit is 10 unless configured otherwise.'),
  STATIC_DIR: Type.Optional(Type.String({
    minLength: 1,
    expected: 'the path of a directory',
    description: 'An existing directory of static files (the SPA) served at `/`, in any environment. Unset: the example SPA outside production, nothing in production.'
  })),
  STATIC_CSP: Type.String({
    default: DEFAULT_STATIC_CSP,
    // Printable ASCII and spaces, not only spaces: it is sent as a header value as given.
    pattern: '^[\\x20-\\x7E]*[\\x21-\\x7E][\\x20-\\x7E]*$',
    expected: 'a Content-Security-Policy of printable ASCII characters on one line',
    description: 'The `Content-Security-Policy` of the HTML pages served from the static root (`STATIC_DIR` or the example SPA). The default allows inline styles, which Ory Elements needs, but no inline script; see docs/static.md for a stricter policy. JSON answers keep `default-src \'none\'` whatever this says.'
  }),
  BODY_LIMIT_BYTES: integer(1024, 104_857_600, 1_048_576, 'an integer number of bytes from 1024 to 104857600',
    'Largest request body accepted; a larger one gets a 413.'),
  READY_PROBE_INTERVAL_MS: integer(100, 300_000, 5_000, 'an integer number of milliseconds from 100 to 300000',
    'How often the readiness probe asks Ory. Each probe waits at most the lesser of `UPSTREAM_TIMEOUT_MS` and 5 s; a result older than two intervals plus that wait no longer counts.'),
  LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: integer(0, 60_000, 1_000, 'an integer number of milliseconds from 0 (off) to 60000',
    'Event-loop delay above which requests are shed with a 503. 0: off.'),
  LOAD_SHED_MAX_HEAP_USED_MB: Type.Optional(Type.Integer({
    minimum: 0,
    maximum: 1_048_576,
    expected: 'an integer number of megabytes (0 turns the check off)',
    description: 'Heap use above which requests are shed with a 503. 0: off. Unset: 90 % of V8\'s heap limit.'
  })),
  ORY_COOKIE_PATTERN: Type.String({
    default: DEFAULT_ORY_COOKIE_PATTERN,
    minLength: 1,
    expected: 'a comma-separated list of cookie names, each optionally ending in * (any rest of the name)',
    description: 'The cookies that are Ory\'s: only these are sent to Ory (by the mirror and the session routes); the app\'s own cookies never are.'
  }),
  ORY_CUSTOM_DOMAINS: Type.Optional(Type.String({
    expected: 'a comma-separated list of http(s) origins (your Ory project\'s custom domains)',
    description: 'Further origins on which Ory writes its URLs (your project\'s custom domains, e.g. `https://auth.example.com`); the mirror rewrites URLs on them like those on `ORY_URL`.'
  })),
  MIRROR_MAX_BUFFER_BYTES: integer(1024, 104_857_600, 2_097_152, 'an integer number of bytes from 1024 to 104857600',
    'Largest answer of Ory read into memory to rewrite its URLs, measured after decompression; a larger one is a 502. Answers of the pass-through paths that need no rewriting (not JSON, not compressed) stream through and are not limited by it.'),
  COOKIE_SECRET: Type.Optional(Type.String({
    pattern: NO_SPACE,
    secret: true,
    expected: `a comma-separated list of secrets, each at least ${MIN_COOKIE_SECRET_LENGTH} printable characters without spaces`,
    description: `Secrets the BFF seals its own cookies with (OAuth2 login transactions and, with \`TOKEN_STORE=cookie\`, the tokens): AES-256-GCM under keys derived with HKDF. Each at least ${MIN_COOKIE_SECRET_LENGTH} characters (\`openssl rand -base64 48\`). Several, separated by commas: the first seals, all open, so a new secret can be put first without signing anyone out; remove the old one once the longest session has passed. Required with \`OAUTH2_CLIENT_ID\`.`
  })),
  OAUTH2_CLIENT_ID: Type.Optional(Type.String({
    pattern: NO_SPACE,
    expected: 'an OAuth2 client id of printable characters without spaces',
    description: 'The BFF\'s OAuth2 client at the issuer (a confidential client: grant types `authorization_code` and `refresh_token`, response type `code`, redirect URI `<PUBLIC_URL>/api/oauth2/callback`). Set: the `/api/oauth2/*` routes exist. Unset: they do not, except with the local emulator, which registers a client of its own.'
  })),
  OAUTH2_CLIENT_SECRET: Type.Optional(Type.String({
    secret: true,
    minLength: 1,
    expected: 'the OAuth2 client\'s secret',
    description: 'The client\'s secret, sent as discovery says (`client_secret_basic`, else `client_secret_post`). Required with `OAUTH2_CLIENT_ID`.'
  })),
  OAUTH2_ISSUER: Type.Optional(Type.String({
    expected: 'an absolute http(s) URL',
    description: 'The OpenID Provider, exactly as its ID tokens name it in `iss`; its endpoints are read from `<issuer>/.well-known/openid-configuration`. Ory Network, Ory Hydra and any certified OpenID Provider work. Unset: `ORY_URL`.'
  })),
  OAUTH2_SCOPES: Type.String({
    default: DEFAULT_OAUTH2_SCOPES,
    pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*$',
    expected: 'scopes separated by single spaces (RFC 6749 §3.3), among them openid',
    description: 'The scopes asked for at login. Must include `openid`; `offline_access` asks for a refresh token, without which the session ends when the access token expires.'
  }),
  OAUTH2_REFRESH_SKEW_SECONDS: integer(0, 3_600, 30, 'an integer number of seconds from 0 to 3600',
    'An access token is refreshed before a call when it has expired or when less than this, or half its lifetime if that is less, remains.'),
  OAUTH2_USER_CLAIMS: Type.String({
    default: DEFAULT_OAUTH2_USER_CLAIMS,
    pattern: '^[A-Za-z0-9_.:-]+(,[A-Za-z0-9_.:-]+)*$',
    expected: 'a comma-separated list of claim names',
    description: 'The ID-token and userinfo claims `GET /api/oauth2/user` shows the SPA; others are never sent to the browser.'
  }),
  OAUTH2_POST_LOGOUT_REDIRECT_URI: Type.Optional(Type.String({
    expected: 'an absolute http(s) URL',
    description: 'Where the provider sends the browser after `POST /api/oauth2/logout`\'s end-session URL (`post_logout_redirect_uri`, registered at the provider). Unset: `<PUBLIC_URL>/`.'
  })),
  TOKEN_STORE: Type.Union([Type.Literal('cookie'), Type.Literal('redis')], {
    default: 'cookie',
    expected: 'cookie or redis',
    description: 'Where OAuth2 tokens are kept. `cookie`: sealed in the browser\'s cookies (AES-256-GCM, split over several cookies when large); no shared state, but back-channel logout is not possible. `redis`: on a Redis or Valkey server (`REDIS_URL`) that every replica shares, encrypted with a key only the browser\'s cookie holds; needed for back-channel logout, and to refresh exactly once per session across replicas.'
  }),
  REDIS_URL: Type.Optional(Type.String({
    pattern: NO_SPACE,
    secret: true,
    expected: 'a redis:// or rediss:// URL',
    description: 'A Redis or Valkey server that every replica shares: `redis://[[user]:password@]host[:port][/db]`, `rediss://` for TLS. With it, a session evicted on one replica (a logout, a revocation) is evicted on every replica at once (pub/sub), the rate limits are counted over every replica (docs/rate-limits.md), and `TOKEN_STORE=redis` keeps OAuth2 sessions there. Without it a replica needs nothing shared. Redis down: the replica stays ready and `/health/ready` lists what is degraded (docs/replicas.md).'
  })),
  API_ROUTES: Type.Optional(Type.String({
    expected: 'a JSON object of route names to { "url", "methods", "token"?, "tokenize_as"? }',
    description: 'The SPA\'s APIs, reached at `/api/proxy/<name>/*` and called with the user\'s token: `{"orders": {"url": "https://orders.internal/v1", "methods": ["GET", "POST"], "token": "any", "tokenize_as": "orders_jwt"}}`. Names: lower-case letters, digits, `-` and `_`. `token`: `oauth2` (the access token of an `/api/oauth2` login), `session` (a JWT of the user\'s Ory session, made by Ory\'s session tokenizer with the template `tokenize_as`), or `any` (default: OAuth2 first, else the session when `tokenize_as` is set). Or a file of it, via `API_ROUTES_FILE`.'
  })),
  HYDRA_PUBLIC_PATHS: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'false',
    expected: 'true or false',
    description: '`true` also mirrors Hydra\'s public browser paths: `/oauth2/auth`, `/oauth2/sessions/logout`, `/.well-known/openid-configuration`, `/.well-known/jwks.json` and `/userinfo`.'
  }),
  ADMIN_API: Type.Union([Type.Literal('off'), Type.Literal('on')], {
    default: 'off',
    expected: 'off or on',
    description: '`on`: Ory\'s admin operations are routes under `/api/admin/` (docs/admin.md), for signed-in identities that `ADMIN_POLICY` lets in. `off`: those routes do not exist.'
  }),
  ADMIN_POLICY: Type.Optional(Type.String({
    expected: 'keto:<namespace>:<object>#<relation> or metadata_public:<key>=<value>',
    description: 'Who may call `/api/admin/*`; required with `ADMIN_API=on`. `keto:Admin:bff#member`: identities for which Ory Permissions (Keto) says the identity has `member` on `Admin:bff`. `metadata_public:roles=admin`: identities whose public metadata has `roles` equal to `admin` or, when it is an array, containing it.'
  })),
  ADMIN_ALLOW: Type.Optional(Type.String({
    expected: 'a comma-separated list of admin operation ids or group names',
    description: 'The admin operations offered, by operation id (`listIdentities`) or group (`identity`); unset: all of them. `ADMIN_DENY` wins over it.'
  })),
  ADMIN_DENY: Type.Optional(Type.String({
    expected: 'a comma-separated list of admin operation ids or group names',
    description: 'Admin operations refused (403) even when `ADMIN_ALLOW` names them, by operation id or group.'
  })),
  ADMIN_POLICY_CACHE_TTL_MS: integer(0, 300_000, 5_000, 'an integer number of milliseconds from 0 (no cache) to 300000',
    'How long a `keto:` policy\'s answer is kept per identity (at most 10000 identities, least recently used go first). An identity that loses the relation loses access within this time. With `metadata_public:` the session cache\'s `SESSION_CACHE_TTL_MS` plays that part.'),
  ADMIN_RATE_LIMIT: integer(1, 1_000_000, 120, 'an integer number of calls from 1 to 1000000',
    'Admin calls one identity may make per `ADMIN_RATE_LIMIT_WINDOW_MS`; more get a 429 with `Retry-After`. Counted in Redis, shared by every replica, when `REDIS_URL` is set (in each process while Redis is unreachable); in each process otherwise. `RATE_LIMIT` does not turn it off.'),
  ADMIN_RATE_LIMIT_WINDOW_MS: integer(1_000, 3_600_000, 60_000, 'an integer number of milliseconds from 1000 to 3600000',
    'The window of `ADMIN_RATE_LIMIT`.'),
  RATE_LIMIT: Type.Union([Type.Literal('off'), Type.Literal('on')], {
    default: 'on',
    expected: 'on or off',
    description: '`on`: the routes that guess passwords and codes, or send mail, are limited per client IP and per identifier (docs/rate-limits.md): the `ORY_PATH_PREFIX` submits of the login, registration, recovery and verification flows (and the GET links of the recovery and verification e-mails), and `GET /api/oauth2/login`. Over a limit: 429 in Ory\'s error shape with `Retry-After`. Counted in Redis, shared by every replica, when `REDIS_URL` is set (in each process while Redis is unreachable); in each process otherwise. `off`: not limited (a gateway in front limits them). `/health/*` and `/metrics` are never limited.'
  }),
  RATE_LIMIT_WINDOW_MS: integer(1_000, 3_600_000, 60_000, 'an integer number of milliseconds from 1000 to 3600000',
    'The window of `RATE_LIMIT_IP_MAX` and `RATE_LIMIT_IDENTIFIER_MAX`: a count starts with the first request and is forgotten this long after it.'),
  RATE_LIMIT_IP_MAX: integer(1, 1_000_000, 100, 'an integer number of requests from 1 to 1000000',
    'Requests one client IP (as `TRUST_PROXY` finds it; IPv6 by /64) may make per window to the limited routes together. 100 a minute lets an office or a campus behind one NAT address sign in at its busiest, while a script from one address is held to fewer than two guesses a second.'),
  RATE_LIMIT_IDENTIFIER_MAX: integer(1, 1_000_000, 10, 'an integer number of requests from 1 to 1000000',
    'Submits per window naming one identifier (the login `identifier`, the recovery or verification `email`, the registration `traits.email`, `traits.username` or `traits.phone`), from any number of addresses: a person who mistypes a password a few times is not held up, a password guesser gets 10 tries a minute per account. Kept as a SHA-256 hash of the trimmed, lower-cased value.'),
  OTEL_TRACES_EXPORTER: Type.Optional(Type.Union(TRACES_EXPORTERS.map(name => Type.Literal(name)), {
    expected: `one of ${TRACES_EXPORTERS.join(', ')}`,
    description: 'Where OpenTelemetry traces go (docs/telemetry.md). `otlp`: OTLP over HTTP with JSON bodies (`http/json`; gRPC and protobuf are not offered) to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`, or `http://localhost:4318` when neither is set. `console`: each span written to standard output (for debugging). `none`: no tracing, whatever else is set. Unset: `otlp` when one of the two endpoints is set, otherwise no tracing, and none of OpenTelemetry\'s code is loaded.'
  })),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({
    expected: 'an absolute http(s) URL',
    description: 'The OTLP/HTTP collector\'s base URL; traces are sent to it with `/v1/traces` appended to its path. Setting it turns tracing on.'
  })),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String({
    expected: 'an absolute http(s) URL',
    description: 'The full URL traces are sent to, used as it is (wins over `OTEL_EXPORTER_OTLP_ENDPOINT`). Setting it turns tracing on.'
  })),
  OTEL_EXPORTER_OTLP_HEADERS: Type.Optional(Type.String({
    secret: true,
    expected: 'a comma-separated list of name=value pairs, values percent-encoded',
    description: 'Headers sent with every export to the collector, such as a vendor\'s API key: `x-api-key=abc,x-team=web`. Treated as a secret: never logged, never quoted in an error.'
  })),
  OTEL_EXPORTER_OTLP_TIMEOUT: integer(1, 600_000, 10_000, 'an integer number of milliseconds from 1 to 600000',
    'Longest wait for the collector per export; also the longest that closing the server waits for the last spans to be sent. A collector that is down or slow never slows a request: spans are exported in the background, and dropped when the queue (2048 spans) is full.'),
  OTEL_SERVICE_NAME: Type.String({
    default: 'ory-bff',
    minLength: 1,
    expected: 'a service name',
    description: 'The `service.name` of the spans\' resource.'
  }),
  OTEL_TRACES_SAMPLER: Type.Union(TRACES_SAMPLERS.map(name => Type.Literal(name)), {
    default: DEFAULT_TRACES_SAMPLER,
    expected: `one of ${TRACES_SAMPLERS.join(', ')}`,
    description: 'Which traces are recorded. `parentbased_*`: a request that comes with a sampled (or unsampled) W3C `traceparent` is traced (or not) as its caller decided, and the rest of the name decides for new traces; `traceidratio`: a share of traces, `OTEL_TRACES_SAMPLER_ARG`.'
  }),
  OTEL_TRACES_SAMPLER_ARG: Type.Optional(Type.String({
    expected: 'a number from 0 to 1',
    description: 'The share of new traces that `traceidratio` and `parentbased_traceidratio` record. Unset: 1.'
  }))
})

export type Env = Static<typeof EnvSchema>

// Compiled on first use; the compiler is the one the Ory client loads anyway (TypeBox's Value module is not needed).
let compiled: ReturnType<typeof TypeCompiler.Compile<typeof EnvSchema>> | undefined
const checker = (): NonNullable<typeof compiled> => (compiled ??= TypeCompiler.Compile(EnvSchema))
type EnvName = keyof Env & string

export interface Config {
  production: boolean
  port: number
  host: string
  /** The project API (no trailing slash). */
  oryUrl: string
  /** `env` when ORY_URL was set; `emulator` when the server starts the local Ory emulator at DEVELOPMENT_ORY_URL. */
  oryUrlSource: 'env' | 'emulator'
  oryApiKey: string | undefined
  oryConsoleUrl: string
  oryWorkspaceApiKey: string | undefined
  /** The origin the browser sees, without a trailing slash. */
  publicUrl: string
  oryPathPrefix: string
  /** Where browsers are sent when the mirror refuses their navigation (ERROR_UI_URL, absolute). */
  errorUiUrl: string
  cookieDomain: string | undefined
  allowedReturnUrls: string[]
  /** As Fastify's `trustProxy` takes it. */
  trustProxy: boolean | number | string[]
  logLevel: LogLevel
  upstreamTimeoutMs: number
  shutdownGraceMs: number
  /** How long, after SIGTERM, the server keeps answering while readiness fails, before it closes. */
  shutdownDelayMs: number
  /** Longest time a client may take to send a whole request (Node's `requestTimeout` and `headersTimeout`). */
  requestTimeoutMs: number
  /** Deepest nesting accepted in a JSON request body. */
  jsonMaxDepth: number
  sessionCacheTtlMs: number
  sessionCacheMax: number
  /** The session cache's bound in bytes (0: no cache). */
  sessionCacheMaxBytes: number
  /** How long a permission check's answer is kept per identity and tuple (0: not at all), and how many are kept. */
  permissionCacheTtlMs: number
  permissionCacheMax: number
  /** Most tuples a batch permission check may ask about. */
  permissionBatchMax: number
  staticDir: string | undefined
  /** The Content-Security-Policy of HTML pages from the static root. */
  staticCsp: string
  bodyLimitBytes: number
  readyProbeIntervalMs: number
  loadShedding: {
    /** 0: off. */
    maxEventLoopDelayMs: number
    /** undefined: 90 % of V8's heap limit; 0: off. */
    maxHeapUsedBytes: number | undefined
  }
  /** Names of the cookies that are Ory's, forwarded to Ory by the `/.ory` mirror; a trailing `*` matches any rest. */
  oryCookiePattern: string[]
  /** Further origins on which Ory writes its URLs (the project's custom domains), rewritten like ORY_URL's. */
  oryCustomDomains: string[]
  /** The largest upstream answer the mirror reads into memory (to rewrite its URLs), decompressed. */
  mirrorMaxBufferBytes: number
  /** Whether the mirror also serves Hydra's public browser paths (OAuth2 authorize, logout, discovery, userinfo). */
  hydraPublicPaths: boolean
  /** COOKIE_SECRET's secrets, the sealing one first; empty when unset. */
  cookieSecrets: string[]
  /** Set when OAUTH2_CLIENT_ID is: the `/api/oauth2/*` routes exist. */
  oauth2: OAuth2Config | undefined
  tokenStore: 'cookie' | 'redis'
  redisUrl: string | undefined
  /** API_ROUTES, in the order given. */
  apiRoutes: ApiRoute[]
  /** Set when ADMIN_API=on: the `/api/admin/*` routes exist. */
  admin: AdminConfig | undefined
  /** Set when RATE_LIMIT=on: the routes attackers hammer are limited per client IP and per identifier. */
  rateLimit: RateLimitConfig | undefined
  /** Set when tracing is on (OTEL_*): the telemetry plugin, and OpenTelemetry with it, is loaded only then. */
  telemetry: TelemetryConfig | undefined
  /** Things an operator should know, logged once at start-up. */
  warnings: string[]

  // Derived from the values above, once, for every part of the app that needs them.
  /** PUBLIC_URL + ORY_PATH_PREFIX: Ory's browser API as the browser reaches it, where Ory is asked to write its links. */
  publicOryUrl: string
  /** The browser reaches the BFF over https (PUBLIC_URL's scheme). */
  publicHttps: boolean
  /** Is this cookie one of Ory's (ORY_COOKIE_PATTERN)? */
  isOryCookie: CookieNameMatcher
  /** Ory's Set-Cookie lines made fit for the BFF's origin (COOKIE_DOMAIN, Secure). */
  cookieRewriter: CookieRewriter
  /** What the headers of every call to Ory's browser API are made from: Ory's cookies, the link rewrite, the key. */
  oryHeaderOptions: UpstreamHeaderOptions
}

/** OpenTelemetry tracing, as the OTEL_* variables set it. */
export interface TelemetryConfig {
  exporter: 'otlp' | 'console'
  /** Where OTLP/HTTP JSON exports are sent (`otlp`). */
  url: string
  /** OTEL_EXPORTER_OTLP_HEADERS, names in lower case: a secret. */
  headers: Record<string, string>
  /** Per export, and for the flush when the app closes. */
  timeoutMs: number
  serviceName: string
  sampler: TracesSampler
  /** The ratio of the `*traceidratio` samplers. */
  ratio: number
}

/** One clear line: the variable and what is wrong with it. Never the value of a secret. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  readonly variable: string
  readonly problem: string

  constructor (variable: string, problem: string) {
    super(`${variable}: ${problem}`)
    this.variable = variable
    this.problem = problem
  }
}

export type EnvSource = Readonly<Record<string, string | undefined>>

/**
 * Reads and validates the configuration. Pure apart from reading the files that `*_FILE` variables name (and checking
 * that STATIC_DIR exists): the same environment always gives the same config or the same ConfigError.
 */
export function loadConfig (env: EnvSource): Config {
  const raw: Record<string, string> = {}
  /** The variable to name in an error about a value: `X_FILE` when the value came from that file. */
  const origin: Record<string, string> = {}
  const properties = EnvSchema.properties as Record<EnvName, TSchema>

  for (const name of Object.keys(properties)) {
    const value = env[name]
    // An empty variable (`FOO=` in a compose file) counts as unset.
    if (value !== undefined && value !== '') raw[name] = value
    origin[name] = name
  }
  for (const name of FILE_VARIABLES) {
    const fileVariable = `${name}_FILE`
    const path = env[fileVariable]
    if (path === undefined || path === '') continue
    if (raw[name] !== undefined) throw new ConfigError(fileVariable, `is set together with ${name}; set only one of them`)
    raw[name] = readSecretFile(fileVariable, path)
    origin[name] = fileVariable
  }

  const values: Record<string, unknown> = {}
  for (const [name, text] of Object.entries(raw)) {
    const schema = properties[name as EnvName]!
    if (schema.type === 'integer') {
      // Stricter than Number(): "1e3", "0x10", " 4" and "4.0" are mistakes, not numbers.
      values[name] = /^[0-9]{1,15}$/.test(text) ? Number(text) : text
    } else {
      values[name] = LOWER_CASE.has(name) ? text.trim().toLowerCase() : text
    }
  }
  for (const [name, schema] of Object.entries(properties)) {
    if (values[name] === undefined && schema.default !== undefined) values[name] = schema.default
  }
  const error = checker().Errors(values).First()
  if (error !== undefined) {
    const name = error.path.split('/')[1] as EnvName
    const meta = properties[name] as TSchema & Meta
    throw problem(origin[name] ?? name, `must be ${meta.expected}`, meta.secret === true ? undefined : raw[name])
  }
  return interpret(values as Env, origin)
}

/** Variables whose values are keywords, taken in any case. */
const LOWER_CASE = new Set(['LOG_LEVEL', 'HYDRA_PUBLIC_PATHS', 'TOKEN_STORE', 'OTEL_TRACES_EXPORTER', 'OTEL_TRACES_SAMPLER'])

function interpret (env: Env, origin: Record<string, string>): Config {
  const production = env.NODE_ENV === 'production'
  const warnings: string[] = []

  if (isIP(env.HOST) === 0 && !new RegExp(HOST_NAME).test(env.HOST)) {
    throw problem('HOST', 'must be a host name or an IP address to listen on', env.HOST)
  }

  let oryUrl: string
  let oryUrlSource: Config['oryUrlSource']
  if (env.ORY_URL !== undefined) {
    oryUrl = httpUrl('ORY_URL', env.ORY_URL, { base: true })
    oryUrlSource = 'env'
  } else if (production) {
    // A production sidecar must never silently talk to a stand-in or to someone else's project.
    throw new ConfigError('ORY_URL', 'is required when NODE_ENV=production (the URL of your Ory project or Ory services)')
  } else {
    oryUrl = DEVELOPMENT_ORY_URL
    oryUrlSource = 'emulator'
    warnings.push(`ORY_URL is not set: using the local Ory emulator at ${DEVELOPMENT_ORY_URL}, in memory and for development only; set ORY_URL to your Ory project's URL`)
  }
  const oryConsoleUrl = httpUrl('ORY_CONSOLE_URL', env.ORY_CONSOLE_URL, { base: true })

  const publicUrl = env.PUBLIC_URL === undefined ? `http://localhost:${env.PORT}` : originOf('PUBLIC_URL', env.PUBLIC_URL)
  const publicHost = new URL(publicUrl).hostname
  const publicHttps = publicUrl.startsWith('https:')

  if (env.ORY_PATH_PREFIX.split('/').some(segment => segment === '.' || segment === '..')) {
    throw problem('ORY_PATH_PREFIX', 'must not contain "." or ".." segments', env.ORY_PATH_PREFIX)
  }
  for (const reserved of ['/api', '/health', '/metrics', '/openapi.json']) {
    if (env.ORY_PATH_PREFIX === reserved || env.ORY_PATH_PREFIX.startsWith(`${reserved}/`)) {
      throw problem('ORY_PATH_PREFIX', `must not be ${reserved} or below it: the BFF's own routes live there`, env.ORY_PATH_PREFIX)
    }
  }

  let cookieDomain: string | undefined
  if (env.COOKIE_DOMAIN !== undefined) {
    cookieDomain = env.COOKIE_DOMAIN.replace(/^\./, '').toLowerCase()
    // RFC 6265 §5.3 step 6: a browser ignores a cookie whose Domain does not domain-match the host that set it.
    if (publicHost !== cookieDomain && !publicHost.endsWith(`.${cookieDomain}`)) {
      throw problem('COOKIE_DOMAIN', `must be PUBLIC_URL's host (${publicHost}) or a parent domain of it, or browsers drop the cookies`, env.COOKIE_DOMAIN)
    }
  }

  const allowedReturnUrls = env.ALLOWED_RETURN_URLS === undefined
    ? [publicUrl]
    : list(env.ALLOWED_RETURN_URLS).map(entry => httpUrl('ALLOWED_RETURN_URLS', entry, { base: false }))
  if (allowedReturnUrls.length === 0) throw problem('ALLOWED_RETURN_URLS', 'must list at least one absolute http(s) URL', env.ALLOWED_RETURN_URLS)

  const oryCookiePattern = list(env.ORY_COOKIE_PATTERN)
  const cookieName = new RegExp(COOKIE_NAME_PATTERN)
  for (const entry of oryCookiePattern) {
    if (!cookieName.test(entry)) throw problem('ORY_COOKIE_PATTERN', `must be ${(EnvSchema.properties.ORY_COOKIE_PATTERN as unknown as Meta).expected}; ${JSON.stringify(entry)} is not`, undefined)
  }
  if (oryCookiePattern.length === 0) throw problem('ORY_COOKIE_PATTERN', 'must name at least one cookie', env.ORY_COOKIE_PATTERN)

  const oryCustomDomains = env.ORY_CUSTOM_DOMAINS === undefined
    ? []
    : list(env.ORY_CUSTOM_DOMAINS).map(entry => originOf('ORY_CUSTOM_DOMAINS', entry))

  let staticDir: string | undefined
  if (env.STATIC_DIR !== undefined) {
    staticDir = resolve(env.STATIC_DIR)
    let isDirectory = false
    try {
      isDirectory = statSync(staticDir).isDirectory()
    } catch {}
    if (!isDirectory) throw problem('STATIC_DIR', 'must be an existing directory', env.STATIC_DIR)
  }

  const cookieSecrets = env.COOKIE_SECRET === undefined ? [] : list(env.COOKIE_SECRET)
  for (const secret of cookieSecrets) {
    if (secret.length < MIN_COOKIE_SECRET_LENGTH) {
      throw new ConfigError(origin.COOKIE_SECRET ?? 'COOKIE_SECRET', `each secret must be at least ${MIN_COOKIE_SECRET_LENGTH} characters long (openssl rand -base64 48)`)
    }
  }
  if (env.COOKIE_SECRET !== undefined && cookieSecrets.length === 0) throw new ConfigError(origin.COOKIE_SECRET ?? 'COOKIE_SECRET', 'must list at least one secret')

  const oauth2 = oauth2Config(env, origin, { oryUrl, publicUrl, allowedReturnUrls, cookieSecrets })
  if (oauth2 !== undefined && !publicHttps) {
    warnings.push(`PUBLIC_URL is ${publicUrl}, not https: the BFF's OAuth2 cookies are sent without Secure and without the __Host- prefix; use https outside local development`)
  }
  if (env.TOKEN_STORE === 'redis' && env.REDIS_URL === undefined) throw new ConfigError('REDIS_URL', 'is required with TOKEN_STORE=redis')
  let redisUrl: string | undefined
  if (env.REDIS_URL !== undefined) {
    let url: URL | undefined
    try {
      url = new URL(env.REDIS_URL)
    } catch {}
    // Never quoted: the URL may carry a password.
    if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
      throw new ConfigError(origin.REDIS_URL ?? 'REDIS_URL', 'must be a redis:// or rediss:// URL with a host')
    }
    redisUrl = url.href
  }
  const apiRoutes = env.API_ROUTES === undefined ? [] : parseApiRoutes(origin.API_ROUTES ?? 'API_ROUTES', env.API_ROUTES)
  for (const route of apiRoutes) {
    if (route.token === 'oauth2' && oauth2 === undefined) {
      throw new ConfigError(origin.API_ROUTES ?? 'API_ROUTES', `the route ${route.name} takes OAuth2 access tokens, which need OAUTH2_CLIENT_ID`)
    }
  }

  const admin = adminConfig(env)
  const telemetry = telemetryConfig(env, origin)

  const publicOryUrl = `${publicUrl}${env.ORY_PATH_PREFIX}`
  const isOryCookie = cookieNameMatcher(oryCookiePattern)
  return {
    production,
    port: env.PORT,
    host: env.HOST,
    oryUrl,
    oryUrlSource,
    oryApiKey: env.ORY_API_KEY,
    oryConsoleUrl,
    oryWorkspaceApiKey: env.ORY_WORKSPACE_API_KEY,
    publicUrl,
    oryPathPrefix: env.ORY_PATH_PREFIX,
    errorUiUrl: errorUiUrl(env.ERROR_UI_URL, publicUrl),
    cookieDomain,
    allowedReturnUrls,
    trustProxy: env.TRUST_PROXY === undefined ? false : trustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    jsonMaxDepth: env.JSON_MAX_DEPTH,
    sessionCacheTtlMs: env.SESSION_CACHE_TTL_MS,
    sessionCacheMax: env.SESSION_CACHE_MAX,
    sessionCacheMaxBytes: env.SESSION_CACHE_MAX_BYTES,
    permissionCacheTtlMs: env.PERMISSION_CACHE_TTL_MS,
    permissionCacheMax: env.PERMISSION_CACHE_MAX,
    permissionBatchMax: env.PERMISSION_BATCH_MAX,
    staticDir,
    staticCsp: staticCsp(env.STATIC_CSP),
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    readyProbeIntervalMs: env.READY_PROBE_INTERVAL_MS,
    loadShedding: {
      maxEventLoopDelayMs: env.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: env.LOAD_SHED_MAX_HEAP_USED_MB === undefined ? undefined : env.LOAD_SHED_MAX_HEAP_USED_MB * 1024 * 1024
    },
    oryCookiePattern,
    oryCustomDomains,
    mirrorMaxBufferBytes: env.MIRROR_MAX_BUFFER_BYTES,
    hydraPublicPaths: env.HYDRA_PUBLIC_PATHS === 'true',
    cookieSecrets,
    oauth2,
    tokenStore: env.TOKEN_STORE,
    redisUrl,
    apiRoutes,
    admin,
    rateLimit: env.RATE_LIMIT === 'off' ? undefined : { windowMs: env.RATE_LIMIT_WINDOW_MS, ipMax: env.RATE_LIMIT_IP_MAX, identifierMax: env.RATE_LIMIT_IDENTIFIER_MAX },
    telemetry,
    warnings,
    publicOryUrl,
    publicHttps,
    isOryCookie,
    cookieRewriter: new CookieRewriter(publicHttps, cookieDomain),
    oryHeaderOptions: { isOryCookie, rewriteBase: publicOryUrl, apiKey: env.ORY_API_KEY }
  }
}

// Keto's namespaces, objects and relations: no `:`, `#` or `@` (the tuple syntax's separators), no spaces.
const KETO_PART = '[^\\s:#@]+'
const KETO_POLICY = new RegExp(`^keto:(${KETO_PART}):([^\\s#@]+)#(${KETO_PART})$`)
const METADATA_POLICY = /^metadata_public:([^\s=]+)=(\S+)$/
const ADMIN_NAME = /^[A-Za-z][A-Za-z0-9]*$/

function adminNames (variable: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const names = list(value)
  for (const name of names) {
    if (!ADMIN_NAME.test(name)) throw problem(variable, 'must be a comma-separated list of operation ids or group names', value)
  }
  return names
}

function adminConfig (env: Env): AdminConfig | undefined {
  if (env.ADMIN_API === 'off') {
    for (const name of ['ADMIN_POLICY', 'ADMIN_ALLOW', 'ADMIN_DENY'] as const) {
      if (env[name] !== undefined) throw new ConfigError(name, 'is set but ADMIN_API is not on')
    }
    return undefined
  }
  if (env.ADMIN_POLICY === undefined) {
    throw new ConfigError('ADMIN_POLICY', 'is required with ADMIN_API=on: keto:<namespace>:<object>#<relation> or metadata_public:<key>=<value>')
  }
  const keto = KETO_POLICY.exec(env.ADMIN_POLICY)
  const metadata = METADATA_POLICY.exec(env.ADMIN_POLICY)
  let policy: AdminPolicy
  if (keto !== null) policy = { kind: 'keto', namespace: keto[1]!, object: keto[2]!, relation: keto[3]! }
  else if (metadata !== null) policy = { kind: 'metadata_public', key: metadata[1]!, value: metadata[2]! }
  else throw problem('ADMIN_POLICY', 'must be keto:<namespace>:<object>#<relation> (keto:Admin:bff#member) or metadata_public:<key>=<value> (metadata_public:roles=admin)', env.ADMIN_POLICY)
  return {
    policy,
    allow: adminNames('ADMIN_ALLOW', env.ADMIN_ALLOW),
    deny: adminNames('ADMIN_DENY', env.ADMIN_DENY) ?? [],
    policyCacheTtlMs: env.ADMIN_POLICY_CACHE_TTL_MS,
    rateLimit: { max: env.ADMIN_RATE_LIMIT, windowMs: env.ADMIN_RATE_LIMIT_WINDOW_MS }
  }
}

function telemetryConfig (env: Env, origin: Record<string, string>): TelemetryConfig | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? undefined : httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', env.OTEL_EXPORTER_OTLP_ENDPOINT, { base: true })
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT === undefined
    ? undefined
    : httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, { base: false })
  let headers: Record<string, string> = {}
  if (env.OTEL_EXPORTER_OTLP_HEADERS !== undefined) {
    try {
      headers = parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS)
    } catch (err) {
      // Never quoted: the values are credentials; the parser's message names entries and header names only.
      throw new ConfigError(origin.OTEL_EXPORTER_OTLP_HEADERS ?? 'OTEL_EXPORTER_OTLP_HEADERS', `must be name=value pairs separated by commas: ${(err as Error).message}`)
    }
  }
  const ratio = parseRatio(env.OTEL_TRACES_SAMPLER_ARG)
  if (ratio === undefined) throw problem('OTEL_TRACES_SAMPLER_ARG', 'must be a number from 0 to 1', env.OTEL_TRACES_SAMPLER_ARG)
  if (env.OTEL_TRACES_SAMPLER_ARG !== undefined && !samplerTakesRatio(env.OTEL_TRACES_SAMPLER)) {
    throw new ConfigError('OTEL_TRACES_SAMPLER_ARG', `is set but OTEL_TRACES_SAMPLER is ${env.OTEL_TRACES_SAMPLER}, which takes no ratio`)
  }
  const exporter = env.OTEL_TRACES_EXPORTER ?? (endpoint !== undefined || tracesEndpoint !== undefined ? 'otlp' : 'none')
  if (exporter === 'none') return undefined
  return {
    exporter,
    url: tracesUrl(endpoint, tracesEndpoint),
    headers,
    timeoutMs: env.OTEL_EXPORTER_OTLP_TIMEOUT,
    serviceName: env.OTEL_SERVICE_NAME,
    sampler: env.OTEL_TRACES_SAMPLER,
    ratio
  }
}

function oauth2Config (
  env: Env,
  origin: Record<string, string>,
  known: { oryUrl: string, publicUrl: string, allowedReturnUrls: string[], cookieSecrets: string[] }
): OAuth2Config | undefined {
  if (env.OAUTH2_CLIENT_ID === undefined) {
    for (const name of ['OAUTH2_CLIENT_SECRET', 'OAUTH2_ISSUER', 'OAUTH2_POST_LOGOUT_REDIRECT_URI'] as const) {
      if (env[name] !== undefined) throw new ConfigError(origin[name] ?? name, 'is set but OAUTH2_CLIENT_ID is not')
    }
    return undefined
  }
  if (env.OAUTH2_CLIENT_SECRET === undefined) throw new ConfigError('OAUTH2_CLIENT_SECRET', 'is required with OAUTH2_CLIENT_ID (the BFF is a confidential client)')
  // Never a default key: the transactions and tokens would be sealed with a secret everyone knows.
  if (known.cookieSecrets.length === 0) throw new ConfigError('COOKIE_SECRET', 'is required with OAUTH2_CLIENT_ID (openssl rand -base64 48)')
  const scopes = env.OAUTH2_SCOPES.split(' ')
  if (!scopes.includes('openid')) throw problem('OAUTH2_SCOPES', 'must include openid (the BFF signs users in with OpenID Connect)', env.OAUTH2_SCOPES)
  const issuer = env.OAUTH2_ISSUER === undefined ? known.oryUrl : httpUrl('OAUTH2_ISSUER', env.OAUTH2_ISSUER, { base: true })
  let postLogoutRedirectUri = `${known.publicUrl}/`
  if (env.OAUTH2_POST_LOGOUT_REDIRECT_URI !== undefined) {
    postLogoutRedirectUri = httpUrl('OAUTH2_POST_LOGOUT_REDIRECT_URI', env.OAUTH2_POST_LOGOUT_REDIRECT_URI, { base: false })
  }
  return {
    issuer,
    clientId: env.OAUTH2_CLIENT_ID,
    clientSecret: env.OAUTH2_CLIENT_SECRET,
    scopes,
    redirectUri: `${known.publicUrl}/api/oauth2/callback`,
    backchannelLogoutUri: `${known.publicUrl}/api/oauth2/backchannel-logout`,
    postLogoutRedirectUri,
    refreshSkewSeconds: env.OAUTH2_REFRESH_SKEW_SECONDS,
    userClaims: list(env.OAUTH2_USER_CLAIMS)
  }
}

const ApiRouteSchema = Type.Object({
  url: Type.String({ minLength: 1 }),
  methods: Type.Array(Type.Union(API_ROUTE_METHODS.map(method => Type.Literal(method))), { minItems: 1, uniqueItems: true }),
  token: Type.Optional(Type.Union([Type.Literal('oauth2'), Type.Literal('session'), Type.Literal('any')])),
  tokenize_as: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$' }))
}, { additionalProperties: false })
let apiRouteCheck: ReturnType<typeof TypeCompiler.Compile<typeof ApiRouteSchema>> | undefined

function parseApiRoutes (variable: string, text: string): ApiRoute[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new ConfigError(variable, `must be JSON: ${(err as Error).message}`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(variable, 'must be a JSON object of route names to routes')
  apiRouteCheck ??= TypeCompiler.Compile(ApiRouteSchema)
  const routes: ApiRoute[] = []
  const name = new RegExp(API_ROUTE_NAME)
  for (const [key, entry] of Object.entries(value)) {
    if (!name.test(key)) throw new ConfigError(variable, `the route name ${JSON.stringify(truncate(key))} must be lower-case letters, digits, "-" and "_" (at most 63)`)
    const error = apiRouteCheck.Errors(entry).First()
    if (error !== undefined) throw new ConfigError(variable, `the route ${key}${error.path}: ${error.message}`)
    const route = entry as Static<typeof ApiRouteSchema>
    const url = httpUrl(`${variable} (route ${key})`, route.url, { base: true })
    const token = route.token ?? 'any'
    if (token === 'session' && route.tokenize_as === undefined) {
      throw new ConfigError(variable, `the route ${key} takes session tokens and so needs "tokenize_as", the name of Ory's session-to-JWT template`)
    }
    routes.push({ name: key, url, methods: [...route.methods], token, tokenizeAs: route.tokenize_as })
  }
  return routes
}

/**
 * STATIC_CSP, trimmed: a list of directives separated by `;`, each a name (W3C CSP3 §2.2.1: letters, digits, `-`)
 * and its values. Catches the usual pasting mistakes (`Content-Security-Policy: …`, a bare list of sources), not
 * every policy a browser would ignore.
 */
function staticCsp (value: string): string {
  const policy = value.trim()
  for (const directive of policy.split(';')) {
    const name = directive.trim().split(' ')[0] ?? ''
    if (name !== '' && !/^[A-Za-z0-9-]+$/.test(name)) {
      throw problem('STATIC_CSP', `must be a Content-Security-Policy, directives separated by ";"; ${JSON.stringify(truncate(name))} is not a directive name`, undefined)
    }
  }
  return policy
}

function problem (variable: string, text: string, value: string | undefined): ConfigError {
  return new ConfigError(variable, value === undefined ? text : `${text}, got ${JSON.stringify(truncate(value))}`)
}

function truncate (value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value
}

function readSecretFile (variable: string, path: string): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as { code?: unknown }).code
    throw new ConfigError(variable, `cannot read ${path}${typeof code === 'string' ? ` (${code})` : ''}`)
  }
  // Secret files usually end with a newline that is not part of the secret.
  const value = text.replace(/[\r\n]+$/, '')
  if (value === '') throw new ConfigError(variable, `the file ${path} is empty`)
  return value
}

function list (value: string): string[] {
  return value.split(',').map(entry => entry.trim()).filter(entry => entry !== '')
}

/** An absolute http(s) URL; `base`: a base URL for an API (no query, no fragment, no trailing slash). */
function httpUrl (variable: string, value: string, { base }: { base: boolean }): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw problem(variable, 'must be an absolute http(s) URL', value)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw problem(variable, 'must be an http or https URL', value)
  // Credentials in a URL end up in logs and error messages; Ory takes API keys as headers.
  if (url.username !== '' || url.password !== '') throw new ConfigError(variable, 'must not contain a user name or password; use the API key variables')
  if (base && (url.search !== '' || url.hash !== '')) throw problem(variable, 'must not have a query or a fragment', value)
  return base ? url.href.replace(/\/+$/, '') : url.href
}

/** ERROR_UI_URL as an absolute URL; the error's id is added to its query, so it has no fragment. */
function errorUiUrl (value: string | undefined, publicUrl: string): string {
  if (value === undefined) return `${publicUrl}/error`
  // A path on PUBLIC_URL; `//host` would be another host, and is read as a (refused) absolute URL.
  const onPublicUrl = value.startsWith('/') && !value.startsWith('//')
  const href = onPublicUrl ? new URL(value, `${publicUrl}/`).href : httpUrl('ERROR_UI_URL', value, { base: false })
  if (onPublicUrl && new URL(href).origin !== publicUrl) throw problem('ERROR_UI_URL', 'must be an absolute http(s) URL or a path on PUBLIC_URL', value)
  if (new URL(href).hash !== '' || value.includes('#')) throw problem('ERROR_UI_URL', 'must not have a fragment (the error\'s id is added to the query)', value)
  return href
}

function originOf (variable: string, value: string): string {
  const href = httpUrl(variable, value, { base: true })
  const url = new URL(href)
  if (url.pathname !== '/') throw problem(variable, 'must be an origin (scheme://host[:port]) without a path', value)
  return url.origin
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

function trustProxy (value: string): boolean | number | string[] {
  const text = value.trim().toLowerCase()
  if (text === 'true') return true
  if (text === 'false') return false
  if (/^[0-9]{1,3}$/.test(text)) return Number(text)
  const entries = list(value)
  for (const entry of entries) {
    if (PROXY_NAMES.has(entry)) continue
    const [address, prefix, extra] = entry.split('/')
    const family = isIP(address ?? '')
    const maxPrefix = family === 4 ? 32 : 128
    const prefixOk = prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix)
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw problem('TRUST_PROXY', `must be ${(EnvSchema.properties.TRUST_PROXY as unknown as Meta).expected}; ${JSON.stringify(entry)} is none of these`, undefined)
    }
  }
  if (entries.length === 0) throw problem('TRUST_PROXY', 'must not be an empty list', value)
  return entries
}
