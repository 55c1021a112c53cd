import { createHash, randomUUID } from 'node:crypto'
import { compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import type { EmulatorContext } from './context.js'
import { JwkStore } from './jwk.js'
import { clientFromBody, type StoredOAuth2Client } from './oauth2-clients.js'
import { OAuth2Challenges } from './oauth2-challenges.js'
import { randomToken, type StoredIdentity } from './state.js'

// Hydra's public OAuth2 / OpenID Connect surface, in memory: clients, signing keys, authorization codes and token
// families. The names and rules follow Hydra (github.com/ory/hydra, its fosite/ folder): opaque `ory_at_` / `ory_ac_`
// / `ory_rt_` tokens, refresh token rotation, and every token of one authorization grant (fosite's "request id", here
// a family) revoked together on code reuse, refresh token reuse and revocation.

export interface OAuth2ClientOptions {
  client_id: string
  client_secret: string
  redirect_uris: string[]
  post_logout_redirect_uris?: string[]
  backchannel_logout_uri?: string
  backchannel_logout_session_required?: boolean
  /** Hydra's default is client_secret_basic; `none` is a public client (no secret, PKCE). */
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none'
  /** Space-separated scopes the client may ask for; default `openid offline_access offline email profile`. */
  scope?: string
}

export const DEFAULT_CLIENT_SCOPE = 'openid offline_access offline email profile'

/** An error of the OAuth2 endpoints, written as fosite does: `{ error, error_description }` (RFC 6749 §5.2). */
export class OAuth2Error extends Error {
  readonly status: number
  readonly error: string
  readonly description: string

  constructor (status: number, error: string, description: string, hint?: string) {
    // fosite's RFC6749Error.GetDescription: the hint is appended to the description and `"` becomes `'`.
    const full = hint === undefined ? description : `${description} ${hint}`
    super(full)
    this.status = status
    this.error = error
    this.description = full.replaceAll('"', "'")
  }

  body (): { error: string, error_description: string } {
    return { error: this.error, error_description: this.description }
  }
}

// fosite/errors.go: names, descriptions and statuses.
export const oauth2Errors = {
  invalidRequest: (hint?: string) => new OAuth2Error(400, 'invalid_request', 'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.', hint),
  invalidClient: (hint?: string) => new OAuth2Error(401, 'invalid_client', 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).', hint),
  invalidGrant: (hint?: string) => new OAuth2Error(400, 'invalid_grant', 'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.', hint),
  unauthorizedClient: (hint?: string) => new OAuth2Error(400, 'unauthorized_client', 'The client is not authorized to request a token using this method.', hint),
  unsupportedGrantType: (hint?: string) => new OAuth2Error(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.', hint),
  unsupportedResponseType: (hint?: string) => new OAuth2Error(400, 'unsupported_response_type', 'The authorization server does not support obtaining a token using this method.', hint),
  invalidScope: (hint?: string) => new OAuth2Error(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.', hint),
  invalidState: (hint?: string) => new OAuth2Error(400, 'invalid_state', 'The state is missing or does not have enough characters and is therefore considered too weak.', hint),
  loginRequired: (hint?: string) => new OAuth2Error(400, 'login_required', 'The Authorization Server requires End-User authentication.', hint),
  requestUnauthorized: (hint?: string) => new OAuth2Error(401, 'request_unauthorized', 'The request could not be authorized.', hint ?? 'Check that you provided valid credentials in the right format.'),
  tokenExpired: (hint?: string) => new OAuth2Error(401, 'token_expired', 'Token expired.', hint ?? 'The token expired.')
}

interface SigningKey { kid: string, privateKey: CryptoKey, publicKey: CryptoKey, publicJwk: JWK }

async function newRsaKey (): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const kid = randomUUID()
  return { kid, privateKey, publicKey, publicJwk: { ...await exportJWK(publicKey), kid, use: 'sig', alg: 'RS256' } }
}

export interface StoredCode {
  code: string
  familyId: string
  clientId: string
  redirectUri: string
  challenge?: string
  challengeMethod?: 'S256' | 'plain'
  expiresAt: number
  used: boolean
}

/** One authorization grant and every token issued from it (fosite's request id). */
export interface TokenFamily {
  id: string
  /** The consent (Hydra's consent request id) the grant came from, when it went through the admin login and consent API. */
  consentId?: string
  clientId: string
  /** The identity id. */
  subject: string
  /** The Kratos session the user signed in with. */
  sid: string
  scopes: string[]
  nonce?: string
  authTime: number
  requestedAt: number
  revoked: boolean
}

export interface StoredToken { familyId: string, issuedAt: number, expiresAt: number, revoked: boolean }
interface StoredRefreshToken extends StoredToken { rotated: boolean }

/** A trusted issuer of JWT bearer grants (RFC 7523), as Hydra's trust/ package stores it. */
export interface TrustedIssuer {
  id: string
  issuer: string
  subject: string
  allowAnySubject: boolean
  scope: string[]
  /** The issuer's public key, kept in the JWK set named after the issuer. */
  kid: string
  createdAt: number
  expiresAt: number
}

export interface BackchannelDelivery {
  clientId: string
  url: string
  sid: string
  subject: string
  /** The HTTP status the client answered, when it answered. */
  status?: number
  error?: string
  /** Hydra expects 200 or 204. */
  ok: boolean
}

export interface OAuth2Options {
  /** OAuth2 clients known from the start; more with `ctx.oauth2.addClient`. */
  oauth2Clients?: OAuth2ClientOptions[]
  /** Access token lifetime (Hydra's `ttl.access_token`, default 1h). */
  oauth2AccessTokenTtlSeconds?: number
  /** Refresh token lifetime (Hydra's `ttl.refresh_token`; default here 30 days). */
  oauth2RefreshTokenTtlSeconds?: number
  /**
   * An identity id or identifier (email): `/oauth2/auth` without a Kratos session cookie signs this identity in (a
   * new Kratos session) instead of sending the browser to the login flow.
   */
  oauth2TestIdentity?: string
  /**
   * Where browsers reach the authorize and end-session endpoints, when not at the issuer: the BFF's mirror
   * (`<PUBLIC_URL>/.ory`, HYDRA_PUBLIC_PATHS), where the Kratos session cookie lives, as Hydra's `urls.self.public`
   * or an Ory Network custom domain. Default: the issuer.
   */
  oauth2BrowserUrl?: string
  /**
   * Hydra's own login and consent: `/oauth2/auth` sends the browser to `<uiUrl>/login?login_challenge=…` (then
   * `<uiUrl>/consent?consent_challenge=…`) for a UI that accepts or rejects through the admin API, instead of
   * taking the Kratos session as the login and implying consent; RP-initiated logout with an ID token hint goes to
   * `<uiUrl>/logout?logout_challenge=…`. `oauth2TestIdentity` is then not used.
   */
  oauth2LoginConsentUi?: boolean
}

const CODE_TTL_MS = 10 * 60_000
/** Hydra's `ttl.id_token` default. */
const ID_TOKEN_TTL_S = 60 * 60

function nameClaims (traits: Record<string, unknown>): Record<string, string> {
  const name = traits.name
  if (typeof name === 'string') return { name }
  if (name !== null && typeof name === 'object') {
    const { first, last } = name as { first?: unknown, last?: unknown }
    const given = typeof first === 'string' ? first : undefined
    const family = typeof last === 'string' ? last : undefined
    const full = [given, family].filter(v => v !== undefined && v !== '').join(' ')
    return { ...(full === '' ? {} : { name: full }), ...(given === undefined ? {} : { given_name: given }), ...(family === undefined ? {} : { family_name: family }) }
  }
  return {}
}

export class OAuth2Provider {
  readonly clients = new Map<string, StoredOAuth2Client>()
  /** Login, consent and logout requests and the consents given (the admin API's `/admin/oauth2/auth/...`). */
  readonly challenges: OAuth2Challenges
  /** Admin-managed JSON Web Key Sets (`/admin/keys/{set}`), and the keys of trusted JWT grant issuers. */
  readonly keySets = new JwkStore()
  /** Trusted JWT bearer grant issuers by id (`/admin/trust/grants/jwt-bearer/issuers`). */
  readonly trustedIssuers = new Map<string, TrustedIssuer>()
  readonly codes = new Map<string, StoredCode>()
  readonly families = new Map<string, TokenFamily>()
  readonly accessTokens = new Map<string, StoredToken>()
  readonly refreshTokens = new Map<string, StoredRefreshToken>()
  /** POST /oauth2/token calls, all of them and by `grant_type` (as sent, `(none)` when missing). */
  readonly tokenCalls: { total: number, byGrantType: Record<string, number> } = { total: 0, byGrantType: {} }
  /** Every back-channel logout request sent, with how the client answered. */
  readonly backchannelDeliveries: BackchannelDelivery[] = []
  readonly accessTokenTtlSeconds: number
  readonly refreshTokenTtlSeconds: number
  readonly testIdentity: string | undefined
  /** See `oauth2LoginConsentUi`. */
  readonly loginConsentUi: boolean
  readonly #ctx: EmulatorContext
  #keys: Promise<SigningKey[]> | undefined

  readonly #browserUrl: string | undefined

  constructor (ctx: EmulatorContext, options: OAuth2Options) {
    this.#ctx = ctx
    this.accessTokenTtlSeconds = options.oauth2AccessTokenTtlSeconds ?? 3600
    this.refreshTokenTtlSeconds = options.oauth2RefreshTokenTtlSeconds ?? 30 * 24 * 3600
    this.testIdentity = options.oauth2TestIdentity
    this.loginConsentUi = options.oauth2LoginConsentUi === true
    this.#browserUrl = options.oauth2BrowserUrl?.replace(/\/+$/, '')
    this.challenges = new OAuth2Challenges(ctx, this)
    for (const client of options.oauth2Clients ?? []) this.addClient(client)
  }

  /** Registers (or replaces) a client. */
  addClient (client: OAuth2ClientOptions): void {
    if (client.client_id === '' || client.redirect_uris.length === 0) throw new Error('an OAuth2 client needs a client_id and redirect_uris')
    for (const uri of client.redirect_uris) new URL(uri) // eslint-disable-line no-new
    const { client: stored } = clientFromBody({ ...client, scope: client.scope ?? DEFAULT_CLIENT_SCOPE }, { id: client.client_id, now: this.#ctx.now(), configured: true })
    this.clients.set(client.client_id, stored)
  }

  /** Removes a client and, as Hydra's foreign keys do, every grant and token it held. */
  deleteClient (clientId: string): boolean {
    for (const family of this.families.values()) if (family.clientId === clientId) this.revokeFamily(family.id)
    this.challenges.forgetClient(clientId)
    return this.clients.delete(clientId)
  }

  /**
   * A login request as Hydra's authorize endpoint makes it for these authorize parameters (`client_id`,
   * `redirect_uri`, `scope`, `state`, PKCE, …), for tests of a login and consent UI: the emulator's own authorize
   * endpoint signs the Kratos session in directly and makes none. Following the accepted request's `redirect_to`
   * leads, through a consent request, to the client's redirect URI with a code, as with Hydra.
   */
  createLoginRequest (params: Record<string, string>): { challenge: string, redirectTo: string } {
    const client = this.clients.get(params.client_id ?? '')
    if (client === undefined) throw new Error(`unknown OAuth2 client ${String(params.client_id)}`)
    const redirectUri = params.redirect_uri ?? client.redirect_uris[0]
    if (redirectUri === undefined || !client.redirect_uris.includes(redirectUri)) throw new Error(`redirect_uri ${String(redirectUri)} is not registered for ${client.client_id}`)
    const url = new URL(`${this.browserUrl}/oauth2/auth`)
    for (const [key, value] of Object.entries({ response_type: 'code', state: randomToken('', 16), ...params, redirect_uri: redirectUri })) url.searchParams.set(key, value)
    const login = this.challenges.addLogin({
      clientId: client.client_id,
      redirectUri,
      scopes: (params.scope ?? '').split(' ').filter(s => s !== ''),
      audience: (params.audience ?? '').split(' ').filter(s => s !== ''),
      requestUrl: url.href
    })
    return { challenge: login.challenge, redirectTo: this.challenges.uiUrl('login', { login_challenge: login.challenge }) }
  }

  /** A logout request as Hydra's end-session endpoint makes one, for tests of a logout UI (see createLoginRequest). */
  createLogoutRequest (request: { subject: string, sid: string, clientId?: string, postLogoutRedirectUri?: string, state?: string }): { challenge: string, redirectTo: string } {
    const logout = this.challenges.addLogout(request)
    return { challenge: logout.challenge, redirectTo: this.challenges.uiUrl('logout', { logout_challenge: logout.challenge }) }
  }

  get issuer (): string {
    return this.#ctx.baseUrl
  }

  /** The base of the endpoints browsers navigate to (authorize, end-session): see `oauth2BrowserUrl`. */
  get browserUrl (): string {
    return this.#browserUrl ?? this.#ctx.baseUrl
  }

  async #signingKeys (): Promise<SigningKey[]> {
    this.#keys ??= newRsaKey().then(key => [key])
    return await this.#keys
  }

  /**
   * A new RS256 key signs from now on; older keys stay in the JWKS (so tokens they signed still verify) unless
   * `dropOld`. Returns the new key's `kid`.
   */
  async rotateKeys (options: { dropOld?: boolean } = {}): Promise<string> {
    const keys = await this.#signingKeys()
    const next = await newRsaKey()
    this.#keys = Promise.resolve(options.dropOld === true ? [next] : [...keys, next])
    return next.kid
  }

  /** The public keys, the signing key first (Hydra lists the newest first). */
  async jwks (): Promise<{ keys: JWK[] }> {
    return { keys: (await this.#signingKeys()).map(k => k.publicJwk).reverse() }
  }

  async #sign (claims: JWTPayload, typ: string): Promise<string> {
    const keys = await this.#signingKeys()
    const key = keys[keys.length - 1]!
    return await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ }).sign(key.privateKey)
  }

  /** The payload of a JWT one of our keys signed (expiry not checked: Hydra accepts expired `id_token_hint`s). */
  async verifyOwn (jwt: string): Promise<JWTPayload | undefined> {
    const keys = await this.#signingKeys()
    try {
      const { kid } = decodeProtectedHeader(jwt)
      const key = keys.find(k => k.kid === kid)
      if (key === undefined) return undefined
      const { payload } = await compactVerify(jwt, key.publicKey, { algorithms: ['RS256'] })
      return JSON.parse(new TextDecoder().decode(payload)) as JWTPayload
    } catch {
      return undefined
    }
  }

  /** The identity `oauth2TestIdentity` names, by id or by identifier (email). */
  testIdentityRecord (): StoredIdentity | undefined {
    if (this.testIdentity === undefined) return undefined
    return this.#ctx.state.identities.get(this.testIdentity) ?? this.#ctx.state.identityByIdentifier(this.testIdentity)
  }

  issueCode (family: Omit<TokenFamily, 'id' | 'revoked'>, redirectUri: string, pkce: { challenge?: string, method?: 'S256' | 'plain' }): string {
    const stored: TokenFamily = { ...family, id: randomUUID(), revoked: false }
    this.families.set(stored.id, stored)
    const code = randomToken('ory_ac_', 43)
    this.codes.set(code, {
      code,
      familyId: stored.id,
      clientId: family.clientId,
      redirectUri,
      ...(pkce.challenge === undefined ? {} : { challenge: pkce.challenge, challengeMethod: pkce.method ?? 'plain' }),
      expiresAt: this.#ctx.now() + CODE_TTL_MS,
      used: false
    })
    return code
  }

  /** Every token issued from a grant stops working (fosite's RevokeAccessToken + RevokeRefreshToken by request id). */
  revokeFamily (familyId: string): void {
    const family = this.families.get(familyId)
    if (family !== undefined) family.revoked = true
    for (const token of this.accessTokens.values()) if (token.familyId === familyId) token.revoked = true
    for (const token of this.refreshTokens.values()) if (token.familyId === familyId) token.revoked = true
  }

  /** The family of a usable access token, or the OAuth2 error Hydra's introspection gives. */
  accessTokenFamily (token: string): TokenFamily {
    const stored = this.accessTokens.get(token)
    const family = stored === undefined ? undefined : this.families.get(stored.familyId)
    if (stored === undefined || family === undefined || stored.revoked || family.revoked) throw oauth2Errors.requestUnauthorized()
    if (stored.expiresAt <= this.#ctx.now()) throw oauth2Errors.tokenExpired(`Access token expired at '${new Date(stored.expiresAt).toISOString()}'.`)
    return family
  }

  /** Claims of the identity for the granted scopes (`email`: email, email_verified; `profile`: name and its parts). */
  identityClaims (family: TokenFamily): Record<string, unknown> {
    const identity = this.#ctx.state.identities.get(family.subject)
    if (identity === undefined) return {}
    const claims: Record<string, unknown> = {}
    if (family.scopes.includes('email') && typeof identity.traits.email === 'string') {
      const email = identity.traits.email
      claims.email = email
      claims.email_verified = identity.verifiableAddresses.some(a => a.value === email.toLowerCase() && a.verified)
    }
    if (family.scopes.includes('profile')) Object.assign(claims, nameClaims(identity.traits))
    return claims
  }

  /** The token response for a family: a new access token, a new refresh token when offline, an ID token for openid. */
  async issueTokens (family: TokenFamily): Promise<Record<string, unknown>> {
    const now = this.#ctx.now()
    const accessToken = randomToken('ory_at_', 43)
    this.accessTokens.set(accessToken, { familyId: family.id, issuedAt: now, expiresAt: now + this.accessTokenTtlSeconds * 1000, revoked: false })
    const response: Record<string, unknown> = {
      access_token: accessToken,
      expires_in: this.accessTokenTtlSeconds,
      scope: family.scopes.join(' '),
      token_type: 'bearer'
    }
    if (family.scopes.includes('offline_access') || family.scopes.includes('offline')) {
      const refreshToken = randomToken('ory_rt_', 43)
      this.refreshTokens.set(refreshToken, { familyId: family.id, issuedAt: now, expiresAt: now + this.refreshTokenTtlSeconds * 1000, revoked: false, rotated: false })
      response.refresh_token = refreshToken
    }
    if (family.scopes.includes('openid')) response.id_token = await this.idToken(family, accessToken)
    return response
  }

  async idToken (family: TokenFamily, accessToken: string): Promise<string> {
    const now = Math.floor(this.#ctx.now() / 1000)
    // OIDC Core §3.1.3.6: at_hash is the left half of SHA-256 of the access token, base64url.
    const digest = createHash('sha256').update(accessToken, 'ascii').digest()
    return await this.#sign({
      iss: this.issuer,
      sub: family.subject,
      aud: [family.clientId],
      exp: now + ID_TOKEN_TTL_S,
      iat: now,
      auth_time: Math.floor(family.authTime / 1000),
      rat: Math.floor(family.requestedAt / 1000),
      at_hash: digest.subarray(0, digest.length / 2).toString('base64url'),
      jti: randomUUID(),
      sid: family.sid,
      ...(family.nonce === undefined ? {} : { nonce: family.nonce }),
      ...this.identityClaims(family),
      // Hydra sets acr (default "0") and amr from the login; Kratos' password login is "pwd".
      acr: '0',
      amr: ['pwd']
    }, 'JWT')
  }

  /**
   * OpenID Connect Back-Channel Logout 1.0: a logout token to every client with a `backchannel_logout_uri` holding a
   * grant of the given Kratos session (`sid`) or identity (`sub`), one per client and session. Resolves once every
   * client answered or failed; each result is also recorded in `backchannelDeliveries`.
   */
  async backchannelLogout (filter: { sid?: string, sub?: string }): Promise<BackchannelDelivery[]> {
    if (filter.sid === undefined && filter.sub === undefined) throw new Error('backchannelLogout needs a sid or a sub')
    const targets = new Map<string, { clientId: string, url: string, sid: string, subject: string }>()
    for (const family of this.families.values()) {
      if (filter.sid !== undefined && family.sid !== filter.sid) continue
      if (filter.sub !== undefined && family.subject !== filter.sub) continue
      const url = this.clients.get(family.clientId)?.backchannel_logout_uri
      if (url === undefined) continue
      targets.set(JSON.stringify([family.clientId, family.sid]), { clientId: family.clientId, url, sid: family.sid, subject: family.subject })
    }
    return await Promise.all([...targets.values()].map(async target => {
      const iat = Math.floor(this.#ctx.now() / 1000)
      // Hydra (consent/strategy_default.go, executeBackChannelLogout) sends iss, aud, iat, jti, sid and events. The
      // emulator adds sub and exp (Back-Channel Logout 1.0 §2.4 makes exp required) and the `logout+jwt` type
      // the specification recommends, so that a strict verifier can be tested against it.
      const token = await this.#sign({
        iss: this.issuer,
        aud: [target.clientId],
        iat,
        exp: iat + 120,
        jti: randomUUID(),
        sid: target.sid,
        sub: target.subject,
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} }
      }, 'logout+jwt')
      const delivery: BackchannelDelivery = { clientId: target.clientId, url: target.url, sid: target.sid, subject: target.subject, ok: false }
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ logout_token: token }).toString(),
          redirect: 'manual',
          signal: AbortSignal.timeout(30_000)
        })
        await response.body?.cancel()
        delivery.status = response.status
        delivery.ok = response.status === 200 || response.status === 204
      } catch (err) {
        delivery.error = (err as Error).message
      }
      this.backchannelDeliveries.push(delivery)
      return delivery
    }))
  }
}
