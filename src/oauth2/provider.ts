import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, type ProtectedHeaderParameters } from 'jose'
import { BffError, ErrorCodes } from '../errors.js'
import { type CallAuth, type OryClient, OryUpstreamError, operations } from '../ory/index.js'
import { codeChallenge } from './pkce.js'
import { CallbackIssuerError, IdTokenError, InvalidGrantError, LogoutTokenError, OAuth2ProviderError } from './provider-errors.js'
import type { TokenSet } from './types.js'

// The BFF as an OpenID Connect confidential client (the IETF "OAuth 2.0 for Browser-Based Applications" BFF): discovery,
// the authorization URL with PKCE, the token endpoint, ID and logout token validation, userinfo, revocation and
// RP-initiated logout. Every call to the provider is an operation of the typed Ory client, sent to the URL the
// discovery document names: Ory's own paths for Ory, another provider's for another.

/** What the BFF reads of the discovery document (OpenID Connect Discovery 1.0 §3); other members are kept as they are. */
export interface ProviderMetadata {
  issuer: string
  authorization_endpoint: string
  token_endpoint: string
  jwks_uri: string
  userinfo_endpoint?: string
  revocation_endpoint?: string
  end_session_endpoint?: string
  token_endpoint_auth_methods_supported?: string[]
  id_token_signing_alg_values_supported: string[]
  code_challenge_methods_supported?: string[]
  authorization_response_iss_parameter_supported?: boolean
  backchannel_logout_supported?: boolean
  backchannel_logout_session_supported?: boolean
  [member: string]: unknown
}

/** A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3), its shape checked. */
export interface TokenResponse {
  access_token: string
  token_type: string
  expires_in?: number
  refresh_token?: string
  id_token?: string
  scope?: string
}

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post'

export interface ProviderOptions {
  client: OryClient
  /** Exactly as the provider writes it in its discovery document and tokens. */
  issuer: string
  clientId: string
  clientSecret: string
  redirectUri: string
  /** Bounded clock skew for `exp`, `iat` and `nbf`, in seconds. Default 60. */
  clockToleranceSeconds?: number
  /** How long discovery and the JWKS are cached, in ms. Default one hour. */
  discoveryTtlMs?: number
  /**
   * How the client authenticates at the token and revocation endpoints. Default: as discovery says,
   * `client_secret_basic` when listed or when the list is absent (OIDC Discovery §3), else `client_secret_post`.
   * Set it when the client was registered with `client_secret_post` at a provider that supports both.
   */
  tokenEndpointAuthMethod?: ClientAuthMethod
  /** Epoch ms, for tests. */
  now?: () => number
}

/** What a call to the provider may carry from the request that caused it. */
export interface ProviderCall {
  requestId?: string
  signal?: AbortSignal
}

export interface LogoutTokenClaims {
  sub?: string
  sid?: string
  jti: string
  /** Epoch seconds until which the token could still be accepted: how long its `jti` must be remembered. */
  expiresAt: number
}

/** OIDC Back-Channel Logout 1.0 §2.4: the member of `events` that makes a JWT a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
/** §2.6 lets the RP refuse logout tokens whose `iat` is too far in the past: five minutes, as the spec's example. */
const LOGOUT_TOKEN_MAX_AGE_SECONDS = 300
/**
 * Only asymmetric signatures: `none` never, and the HMAC algorithms would make the client secret a verification key
 * that also lets its holder mint tokens.
 */
const ASYMMETRIC_ALGS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'])
/** The least time between two fetches of the JWKS caused by an unknown `kid` (jose's createRemoteJWKSet cooldown). */
const JWKS_REFETCH_COOLDOWN_MS = 30_000
/**
 * A token response without `expires_in` (RFC 6749 §5.1 only RECOMMENDS it): the lifetime is taken as five minutes, short
 * enough that a token the provider has revoked is not kept long, and a refresh tells the truth.
 */
export const DEFAULT_EXPIRES_IN_SECONDS = 300

const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const
const OPTIONAL_ENDPOINTS = ['userinfo_endpoint', 'revocation_endpoint', 'end_session_endpoint'] as const

function configError (message: string): BffError {
  return new BffError(ErrorCodes.INVALID_CONFIG, 500, message)
}

function nonEmpty (name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw configError(`OpenIdProvider: ${name} is required`)
  return value
}

function httpUrl (value: string): URL | undefined {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function stringList (value: unknown): value is string[] {
  return Array.isArray(value) && value.every(item => typeof item === 'string')
}

/** Checks a discovery document against the configured issuer and the members the BFF relies on. */
export function parseMetadata (body: unknown, issuer: string): ProviderMetadata {
  const refuse = (why: string): OAuth2ProviderError => new OAuth2ProviderError(`The OpenID Provider's discovery document cannot be used: ${why}`)
  if (!isObject(body)) throw refuse('it is not a JSON object')
  // OIDC Discovery §4.3: the issuer in the document MUST be identical to the one used to find it.
  if (body.issuer !== issuer) throw refuse(`its issuer ${JSON.stringify(body.issuer)} is not the configured ${JSON.stringify(issuer)}`)
  const secure = issuer.startsWith('https:')
  for (const name of [...ENDPOINTS, ...OPTIONAL_ENDPOINTS]) {
    const value = body[name]
    if (value === undefined && (OPTIONAL_ENDPOINTS as readonly string[]).includes(name)) continue
    const url = typeof value === 'string' ? httpUrl(value) : undefined
    if (url === undefined) throw refuse(`${name} is not an http(s) URL`)
    if (secure && url.protocol !== 'https:') throw refuse(`${name} is not https, while the issuer is`)
  }
  for (const name of ['token_endpoint_auth_methods_supported', 'code_challenge_methods_supported', 'id_token_signing_alg_values_supported']) {
    if (body[name] !== undefined && !stringList(body[name])) throw refuse(`${name} is not a list of strings`)
  }
  const methods = body.code_challenge_methods_supported as string[] | undefined
  if (methods !== undefined && !methods.includes('S256')) throw refuse('it does not support PKCE with S256')
  // REQUIRED by Discovery §3; OIDC Core §3.1.3.7 makes RS256 the default.
  const algs = (body.id_token_signing_alg_values_supported as string[] | undefined) ?? ['RS256']
  if (!algs.some(alg => ASYMMETRIC_ALGS.has(alg))) throw refuse(`it signs ID tokens only with ${algs.join(', ') || 'nothing'}, none of which the BFF accepts`)
  return { ...body, id_token_signing_alg_values_supported: algs } as ProviderMetadata
}

/** Checks the shape of a token endpoint's answer. */
export function parseTokenResponse (body: unknown): TokenResponse {
  const refuse = (why: string): OAuth2ProviderError => new OAuth2ProviderError(`The token endpoint's answer cannot be used: ${why}`)
  if (!isObject(body)) throw refuse('it is not a JSON object')
  const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn } = body
  if (typeof accessToken !== 'string' || accessToken === '') throw refuse('access_token is missing')
  // RFC 6749 §7.1: the type is case-insensitive. Only bearer tokens: the BFF cannot present a DPoP- or mTLS-bound one.
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') throw refuse(`token_type ${JSON.stringify(tokenType)} is not bearer`)
  const response: TokenResponse = { access_token: accessToken, token_type: tokenType }
  if (expiresIn !== undefined && expiresIn !== null) {
    // Some providers send the number as a string.
    const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw refuse('expires_in is not a number of seconds')
    response.expires_in = seconds
  }
  for (const name of ['refresh_token', 'id_token', 'scope'] as const) {
    const value = body[name]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string' || value === '') throw refuse(`${name} is not a string`)
    response[name] = value
  }
  return response
}

/**
 * The TokenSet of a token response at `now` (epoch seconds). A refresh answer without a refresh token, an ID token or
 * a scope keeps the previous ones (RFC 6749 §6 and §5.1, OIDC Core §12.2). Without `expires_in`, see
 * DEFAULT_EXPIRES_IN_SECONDS.
 */
export function tokenSetFrom (response: TokenResponse, now: number, previous?: TokenSet): TokenSet {
  const issuedAt = Math.floor(now)
  const set: TokenSet = {
    accessToken: response.access_token,
    tokenType: response.token_type,
    accessTokenIssuedAt: issuedAt,
    accessTokenExpiresAt: issuedAt + (response.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS)
  }
  const refreshToken = response.refresh_token ?? previous?.refreshToken
  const idToken = response.id_token ?? previous?.idToken
  const scope = response.scope ?? previous?.scope
  if (refreshToken !== undefined) set.refreshToken = refreshToken
  if (idToken !== undefined) set.idToken = idToken
  if (scope !== undefined) set.scope = scope
  return set
}

/** An RFC 6750 §3 `error` from a WWW-Authenticate header. */
function bearerError (header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header
  return text === undefined ? undefined : /\berror="([^"]*)"/.exec(text)?.[1]
}

interface Keys {
  uri: string
  get: JWTVerifyGetKey
  fetchedAt: number
}

type TokenErrorClass = typeof IdTokenError | typeof LogoutTokenError

/** An OpenID Provider as a confidential client sees it. No Fastify here: plain values in, plain values out. */
export class OpenIdProvider {
  readonly issuer: string
  readonly clientId: string
  readonly #client: OryClient
  readonly #clientSecret: string
  readonly #redirectUri: string
  readonly #skew: number
  readonly #ttl: number
  readonly #authMethod: ClientAuthMethod | undefined
  readonly #now: () => number
  #metadata: { value: ProviderMetadata, expiresAt: number } | undefined
  #metadataPending: Promise<ProviderMetadata> | undefined
  #keys: Keys | undefined
  #keysPending: Promise<Keys> | undefined

  constructor (options: ProviderOptions) {
    this.#client = options.client
    this.issuer = nonEmpty('issuer', options.issuer)
    if (httpUrl(this.issuer) === undefined) throw configError(`OpenIdProvider: the issuer is not an http(s) URL: ${this.issuer}`)
    this.clientId = nonEmpty('clientId', options.clientId)
    this.#clientSecret = nonEmpty('clientSecret', options.clientSecret)
    this.#redirectUri = nonEmpty('redirectUri', options.redirectUri)
    if (httpUrl(this.#redirectUri) === undefined) throw configError('OpenIdProvider: the redirect URI is not an http(s) URL')
    this.#skew = options.clockToleranceSeconds ?? 60
    this.#ttl = options.discoveryTtlMs ?? 3_600_000
    if (!(this.#skew >= 0) || !(this.#ttl > 0)) throw configError('OpenIdProvider: clockToleranceSeconds and discoveryTtlMs must be positive numbers')
    this.#authMethod = options.tokenEndpointAuthMethod
    this.#now = options.now ?? Date.now
  }

  /** Discovery, cached for the TTL; concurrent callers share one fetch, and a failed fetch is not cached. */
  async metadata (requestId?: string): Promise<ProviderMetadata> {
    const cached = this.#metadata
    if (cached !== undefined && this.#now() < cached.expiresAt) return cached.value
    this.#metadataPending ??= this.#discover(requestId).finally(() => { this.#metadataPending = undefined })
    return await this.#metadataPending
  }

  async #discover (requestId: string | undefined): Promise<ProviderMetadata> {
    // OIDC Discovery §4: a terminating `/` of the issuer is removed before the well-known path is appended.
    const endpoint = `${this.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
    let body: unknown
    try {
      // Ory's model of this document requires members OIDC Discovery does not (device_authorization_endpoint, …), so
      // another provider's would fail it: parseMetadata checks what the BFF uses.
      body = (await this.#client.call(operations.discoverOidcConfiguration, {}, { endpoint, requestId, validateResponse: false })).body
    } catch (err) {
      throw this.#providerError(err, 'discovery')
    }
    const value = parseMetadata(body, this.issuer)
    this.#metadata = { value, expiresAt: this.#now() + this.#ttl }
    return value
  }

  /** The authorization request (OIDC Core §3.1.2.1) with PKCE S256 (RFC 7636). */
  async authorizationUrl (params: { state: string, nonce: string, codeVerifier: string, scopes: string[], prompt?: string }): Promise<string> {
    const { state, nonce, codeVerifier, scopes, prompt } = params
    if (state === '' || nonce === '') throw new BffError(ErrorCodes.INVALID_ARGUMENT, 500, 'authorizationUrl: state and nonce are required')
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier)) throw new BffError(ErrorCodes.INVALID_ARGUMENT, 500, 'authorizationUrl: the code verifier is not one of RFC 7636 §4.1')
    if (scopes.length === 0) throw new BffError(ErrorCodes.INVALID_ARGUMENT, 500, 'authorizationUrl: no scopes')
    const metadata = await this.metadata()
    const url = new URL(metadata.authorization_endpoint)
    const search = url.searchParams
    search.set('response_type', 'code')
    search.set('client_id', this.clientId)
    search.set('redirect_uri', this.#redirectUri)
    search.set('scope', scopes.join(' '))
    search.set('state', state)
    search.set('nonce', nonce)
    search.set('code_challenge', codeChallenge(codeVerifier))
    search.set('code_challenge_method', 'S256')
    if (prompt !== undefined) search.set('prompt', prompt)
    return url.href
  }

  /**
   * RFC 9207: when the provider advertises `authorization_response_iss_parameter_supported`, the callback's `iss` is
   * required and must be the issuer; when it does not and `iss` is there anyway, it must still be the issuer.
   */
  async checkCallbackIssuer (iss: string | undefined): Promise<void> {
    const metadata = await this.metadata()
    if (iss === undefined) {
      if (metadata.authorization_response_iss_parameter_supported === true) {
        throw new CallbackIssuerError('The provider sends the iss parameter with every authorization response (RFC 9207), and this one has none.')
      }
      return
    }
    if (iss !== this.issuer) throw new CallbackIssuerError(`The authorization response names the issuer ${JSON.stringify(iss)}, not ${JSON.stringify(this.issuer)}.`)
  }

  /** The authorization code grant (RFC 6749 §4.1.3) with the PKCE verifier. */
  async exchangeCode (params: { code: string, codeVerifier: string }, call: ProviderCall = {}): Promise<TokenResponse> {
    return await this.#token({ grant_type: 'authorization_code', code: params.code, redirect_uri: this.#redirectUri, code_verifier: params.codeVerifier }, call)
  }

  /** The refresh token grant (RFC 6749 §6). Validate a new ID token with the original's `sub` (OIDC Core §12.2). */
  async refresh (refreshToken: string, call: ProviderCall = {}): Promise<TokenResponse> {
    return await this.#token({ grant_type: 'refresh_token', refresh_token: refreshToken }, call)
  }

  async #token (fields: Record<string, string>, call: ProviderCall): Promise<TokenResponse> {
    const metadata = await this.metadata(call.requestId)
    const { auth, body } = this.#clientAuth(metadata, fields)
    let answer: unknown
    try {
      // The spec's model of this body leaves out code_verifier and client_secret; the client sends every field.
      answer = (await this.#client.call(operations.oauth2TokenExchange, { body }, { endpoint: metadata.token_endpoint, auth, requestId: call.requestId, signal: call.signal })).body
    } catch (err) {
      throw this.#providerError(err, 'the token request')
    }
    return parseTokenResponse(answer)
  }

  /**
   * Client authentication (RFC 6749 §2.3.1): `client_secret_basic` when discovery lists it or lists nothing (OIDC
   * Discovery §3's default), else `client_secret_post`.
   */
  #clientAuth (metadata: ProviderMetadata, fields: Record<string, string>): { auth?: CallAuth, body: Record<string, string> } {
    const listed = metadata.token_endpoint_auth_methods_supported
    const method = this.#authMethod ??
      (listed === undefined || listed.includes('client_secret_basic') ? 'client_secret_basic' : listed.includes('client_secret_post') ? 'client_secret_post' : undefined)
    if (method === undefined) {
      throw new OAuth2ProviderError(`The OpenID Provider supports neither client_secret_basic nor client_secret_post at its token endpoint (it lists ${listed?.join(', ') ?? 'nothing'})`)
    }
    if (method === 'client_secret_basic') return { auth: { basic: { username: this.clientId, password: this.#clientSecret } }, body: fields }
    return { body: { ...fields, client_id: this.clientId, client_secret: this.#clientSecret } }
  }

  /**
   * Validates an ID token (OIDC Core §3.1.3.7): signature with a key of the provider's JWKS, an asymmetric algorithm
   * the provider lists, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce` when expected, `sub` (equal to `expected.sub` for a
   * refreshed ID token, §12.2). Returns the payload.
   */
  async validateIdToken (idToken: string, expected: { nonce?: string, sub?: string } = {}): Promise<JWTPayload> {
    const { payload } = await this.#verify(idToken, IdTokenError, ['exp', 'iat', 'sub'])
    const fail = (reason: string): IdTokenError => new IdTokenError(reason)
    if (typeof payload.sub !== 'string' || payload.sub === '') throw fail('The ID token has no sub claim.')
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
    // §3.1.3.7 items 4-5: with several audiences azp is needed, and azp, when there, must be this client.
    if (audiences.length > 1 && payload.azp === undefined) throw fail('The ID token has several audiences and no azp claim.')
    if (payload.azp !== undefined && payload.azp !== this.clientId) throw fail('The ID token\'s azp claim is not this client.')
    if (expected.nonce !== undefined && payload.nonce !== expected.nonce) throw fail('The ID token\'s nonce is not the one of this sign-in.')
    if (expected.sub !== undefined && payload.sub !== expected.sub) throw fail('The refreshed ID token is for another subject.')
    return payload
  }

  /**
   * Validates a back-channel logout token (OIDC Back-Channel Logout 1.0 §2.6). Remembering its `jti` against replay is
   * the caller's (TokenStore.rememberJti, until `expiresAt`).
   */
  async validateLogoutToken (token: string): Promise<LogoutTokenClaims> {
    const { payload, header } = await this.#verify(token, LogoutTokenError, ['iat', 'jti'])
    const fail = (reason: string): LogoutTokenError => new LogoutTokenError(reason)
    // §2.4 asks for explicit typing (`logout+jwt`) and lets RPs accept tokens without; `JWT` is what Ory Hydra sends.
    // Any other type is another kind of token (an access token, a SET of another profile …).
    const typ = header.typ?.toLowerCase()
    if (typ !== undefined && typ !== 'jwt' && typ !== 'logout+jwt' && typ !== 'application/logout+jwt') {
      throw fail(`The token's typ ${JSON.stringify(header.typ)} is not logout+jwt.`)
    }
    const now = Math.floor(this.#now() / 1000)
    const iat = payload.iat!
    if (iat < now - LOGOUT_TOKEN_MAX_AGE_SECONDS - this.#skew) throw fail('The logout token was issued too long ago.')
    if (typeof payload.jti !== 'string' || payload.jti === '') throw fail('The logout token has no jti claim.')
    const events = payload.events
    if (!isObject(events) || !isObject(events[BACKCHANNEL_LOGOUT_EVENT])) throw fail(`The logout token's events claim has no ${BACKCHANNEL_LOGOUT_EVENT} object.`)
    // §2.4: a nonce is prohibited, so that an ID token cannot pass for a logout token.
    if (payload.nonce !== undefined) throw fail('The logout token has a nonce claim.')
    const { sub, sid } = payload
    if (sub !== undefined && (typeof sub !== 'string' || sub === '')) throw fail('The logout token\'s sub claim is not a string.')
    if (sid !== undefined && (typeof sid !== 'string' || sid === '')) throw fail('The logout token\'s sid claim is not a string.')
    if (sub === undefined && sid === undefined) throw fail('The logout token has neither a sub nor a sid claim.')
    // Accepted until the earlier of its exp and the age limit, give or take the skew: its jti must be kept that long.
    const until = Math.min(typeof payload.exp === 'number' ? payload.exp : Number.POSITIVE_INFINITY, iat + LOGOUT_TOKEN_MAX_AGE_SECONDS) + this.#skew
    return { ...(sub === undefined ? {} : { sub }), ...(sid === undefined ? {} : { sid: sid as string }), jti: payload.jti, expiresAt: until }
  }

  /** The signature, algorithm, `iss`, `aud`, `exp`, `nbf` and `iat` checks both kinds of token share. */
  async #verify (token: string, Failure: TokenErrorClass, requiredClaims: string[]): Promise<{ payload: JWTPayload, header: ProtectedHeaderParameters }> {
    const metadata = await this.metadata()
    let header: ProtectedHeaderParameters
    try {
      header = decodeProtectedHeader(token)
    } catch (cause) {
      throw new Failure('The token is not a signed JWT.', { cause })
    }
    // Checked before any key is looked up: `none` and HMAC never reach jose.
    const algorithms = metadata.id_token_signing_alg_values_supported.filter(alg => ASYMMETRIC_ALGS.has(alg))
    if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
      throw new Failure(`The token is signed with ${JSON.stringify(header.alg)}, not one of ${algorithms.join(', ')}.`)
    }
    const options = {
      issuer: this.issuer,
      audience: this.clientId,
      algorithms,
      clockTolerance: this.#skew,
      requiredClaims,
      currentDate: new Date(this.#now())
    }
    let keys = await this.#jwks(metadata, false)
    let result
    try {
      result = await jwtVerify(token, keys.get, options)
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw this.#tokenError(err, Failure, header)
      // An unknown key: the provider may have rotated its keys. One fetch of the JWKS, unless another caller has just
      // fetched it (then its keys are used) or it was fetched less than the cooldown ago: tokens with made-up kids,
      // which anyone can send to the logout endpoint, must not make the BFF hammer the provider.
      const current = this.#keys
      if (current !== undefined && current !== keys) keys = current
      else if (this.#now() - keys.fetchedAt < JWKS_REFETCH_COOLDOWN_MS) throw this.#tokenError(err, Failure, header)
      else keys = await this.#jwks(metadata, true)
      try {
        result = await jwtVerify(token, keys.get, options)
      } catch (again) {
        throw this.#tokenError(again, Failure, header)
      }
    }
    const iat = result.payload.iat
    if (typeof iat === 'number' && iat > Math.floor(this.#now() / 1000) + this.#skew) throw new Failure('The token was issued in the future.')
    return { payload: result.payload, header: result.protectedHeader }
  }

  #tokenError (err: unknown, Failure: TokenErrorClass, header: ProtectedHeaderParameters): BffError {
    if (err instanceof BffError) return err
    if (err instanceof joseErrors.JWKSNoMatchingKey) {
      return new Failure(`No key of the provider's JWKS matches the token${header.kid === undefined ? '' : ` (kid ${JSON.stringify(header.kid)})`}.`, { cause: err })
    }
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new Failure('The token\'s signature does not verify.', { cause: err })
    if (err instanceof joseErrors.JWTExpired) return new Failure('The token has expired.', { cause: err })
    if (err instanceof joseErrors.JOSEError) return new Failure(`The token is not valid: ${err.message}.`, { cause: err })
    if (err instanceof TypeError) return new Failure(`The token is not valid: ${err.message}.`, { cause: err })
    return new Failure('The token could not be verified.', { cause: err })
  }

  /** The provider's keys, fetched through the typed client at `jwks_uri`; cached for the TTL, one fetch at a time. */
  async #jwks (metadata: ProviderMetadata, force: boolean): Promise<Keys> {
    const cached = this.#keys
    if (!force && cached !== undefined && cached.uri === metadata.jwks_uri && this.#now() - cached.fetchedAt < this.#ttl) return cached
    this.#keysPending ??= this.#fetchJwks(metadata.jwks_uri).finally(() => { this.#keysPending = undefined })
    return await this.#keysPending
  }

  async #fetchJwks (uri: string): Promise<Keys> {
    let body: unknown
    try {
      // Ory's model requires `use` and `alg` on every key, RFC 7517 does not: another provider's set would fail it.
      body = (await this.#client.call(operations.discoverJsonWebKeys, {}, { endpoint: uri, validateResponse: false })).body
    } catch (err) {
      throw this.#providerError(err, 'the JWKS request')
    }
    let get: JWTVerifyGetKey
    try {
      get = createLocalJWKSet(body as JSONWebKeySet)
    } catch (cause) {
      throw new OAuth2ProviderError('The OpenID Provider\'s JWKS is not a JSON Web Key Set', { cause })
    }
    const keys = { uri, get, fetchedAt: this.#now() }
    this.#keys = keys
    return keys
  }

  /**
   * The claims of the userinfo endpoint (OIDC Core §5.3). `sub` is required, and must be `options.sub` when given
   * (§5.3.2: the ID token's subject), or the answer must not be used.
   */
  async userinfo (accessToken: string, options: ProviderCall & { sub?: string } = {}): Promise<Record<string, unknown>> {
    const metadata = await this.metadata(options.requestId)
    if (metadata.userinfo_endpoint === undefined) throw new OAuth2ProviderError('The OpenID Provider has no userinfo endpoint')
    let body: unknown
    try {
      // Claims are the provider's to shape (`email_verified: "true"` exists): Ory's model is not theirs.
      body = (await this.#client.call(operations.getOidcUserInfo, {}, {
        endpoint: metadata.userinfo_endpoint, auth: { accessToken }, requestId: options.requestId, signal: options.signal, validateResponse: false
      })).body
    } catch (err) {
      throw this.#providerError(err, 'the userinfo request')
    }
    // A signed or encrypted answer (application/jwt) arrives as text: the BFF does not ask for one.
    if (!isObject(body)) throw new OAuth2ProviderError('The userinfo endpoint\'s answer is not a JSON object')
    if (typeof body.sub !== 'string' || body.sub === '') throw new OAuth2ProviderError('The userinfo endpoint\'s answer has no sub claim')
    if (options.sub !== undefined && body.sub !== options.sub) throw new OAuth2ProviderError('The userinfo endpoint answered for another subject than the ID token\'s')
    return body
  }

  /** Token revocation (RFC 7009); without a revocation endpoint, nothing to do. */
  async revoke (token: string, hint: 'refresh_token' | 'access_token', call: ProviderCall = {}): Promise<void> {
    const metadata = await this.metadata(call.requestId)
    if (metadata.revocation_endpoint === undefined) return
    const { auth, body } = this.#clientAuth(metadata, { token, token_type_hint: hint })
    try {
      await this.#client.call(operations.revokeOAuth2Token, { body }, { endpoint: metadata.revocation_endpoint, auth, requestId: call.requestId, signal: call.signal })
    } catch (err) {
      throw this.#providerError(err, 'the revocation request')
    }
  }

  /** The RP-initiated logout URL (OIDC RP-Initiated Logout 1.0 §2); undefined when the provider has no end_session_endpoint. */
  async endSessionUrl (params: { idTokenHint?: string, postLogoutRedirectUri: string, state?: string }): Promise<string | undefined> {
    const metadata = await this.metadata()
    if (metadata.end_session_endpoint === undefined) return undefined
    const url = new URL(metadata.end_session_endpoint)
    if (params.idTokenHint !== undefined) url.searchParams.set('id_token_hint', params.idTokenHint)
    url.searchParams.set('client_id', this.clientId)
    url.searchParams.set('post_logout_redirect_uri', params.postLogoutRedirectUri)
    if (params.state !== undefined) url.searchParams.set('state', params.state)
    return url.href
  }

  /**
   * An error of the typed client as one of the provider's: an answer with an OAuth2 error (RFC 6749 §5.2) keeps it
   * (`invalid_grant` → InvalidGrantError, 401), any other status becomes a 502 that says what was asked. Timeouts and
   * unreachable providers stay the client's errors (504, 502).
   */
  #providerError (err: unknown, what: string): unknown {
    if (!(err instanceof OryUpstreamError)) return err
    const body = err.body
    const error = isObject(body) && typeof body.error === 'string' ? body.error : bearerError(err.headers['www-authenticate'])
    const description = isObject(body) && typeof body.error_description === 'string' ? body.error_description : undefined
    const message = `The OpenID Provider refused ${what} with ${err.status}${error === undefined ? '' : ` (${error})`}`
    if (error === 'invalid_grant') return new InvalidGrantError(message, { cause: err, errorDescription: description })
    return new OAuth2ProviderError(message, { cause: err, error, errorDescription: description })
  }
}
