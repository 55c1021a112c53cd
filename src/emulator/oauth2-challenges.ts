import { randomUUID } from 'node:crypto'
import type { OAuth2ConsentRequest, OAuth2ConsentSession, OAuth2LoginRequest, OAuth2LogoutRequest } from '../schemas/index.js'
import type { EmulatorContext } from './context.js'
import { iso } from './identities.js'
import { clientJson } from './oauth2-clients.js'
import { OAuth2Error, oauth2Errors, type OAuth2Provider } from './oauth2.js'
import { randomToken } from './state.js'

// Hydra's login, consent and logout requests (consent/ in github.com/ory/hydra): the authorize endpoint hands the
// browser to a login UI with a `login_challenge`; the UI reads the request through the admin API and accepts or
// rejects it; Hydra answers with a `redirect_to` back to the authorize endpoint carrying a `login_verifier`, which
// then hands over to the consent UI the same way (`consent_challenge`, `consent_verifier`). Logout works alike.
// A challenge is single use: once handled, reading it answers 410 with where the browser should go instead.

/** fosite's RFC6749 error for a missing or unknown resource in Hydra's admin API (x/errors.go, ErrNotFound). */
export function notFound (hint?: string): OAuth2Error {
  return new OAuth2Error(404, 'Not Found', 'Unable to locate the requested resource', hint)
}

/** Hydra's `RequestDeniedError` as a reject body gives it (flow/flow.go): `request_denied` unless named. */
export interface Denial { error: string, error_description: string, error_hint?: string, status_code: number }

export interface AuthorizeRequest {
  clientId: string
  redirectUri: string
  scopes: string[]
  audience: string[]
  /** The authorize URL as the browser sent it, to which a verifier is appended. */
  requestUrl: string
}

export interface LoginRequestState extends AuthorizeRequest {
  challenge: string
  verifier: string
  /** Hydra's login session id (the `sid` of the ID token). */
  sessionId: string
  requestedAt: number
  subject?: string
  remember?: boolean
  acr?: string
  amr?: string[]
  context?: Record<string, unknown>
  denied?: Denial
  handledAt?: number
  /** Whether the verifier came back to the authorize endpoint. */
  used: boolean
}

export interface ConsentRequestState extends AuthorizeRequest {
  challenge: string
  verifier: string
  consentRequestId: string
  loginChallenge: string
  loginSessionId: string
  subject: string
  acr: string
  amr: string[]
  context: Record<string, unknown>
  requestedAt: number
  authTime: number
  grantScope?: string[]
  grantAudience?: string[]
  remember?: boolean
  rememberFor?: number
  session?: { access_token?: unknown, id_token?: unknown }
  denied?: Denial
  handledAt?: number
  used: boolean
  /** Cleared by revokeOAuth2ConsentSessions. */
  revoked: boolean
}

export interface LogoutRequestState {
  challenge: string
  verifier: string
  subject: string
  sid: string
  clientId?: string
  requestUrl: string
  rpInitiated: boolean
  postLogoutRedirectUri?: string
  state?: string
  requestedAt: number
  expiresAt: number
  accepted?: boolean
  used: boolean
}

/** Hydra's `ttl.login_consent_request` default: a challenge is good for an hour. */
const CHALLENGE_TTL_MS = 60 * 60_000

export class OAuth2Challenges {
  readonly logins = new Map<string, LoginRequestState>()
  readonly consents = new Map<string, ConsentRequestState>()
  readonly logouts = new Map<string, LogoutRequestState>()
  readonly #ctx: EmulatorContext
  readonly #oauth2: OAuth2Provider

  constructor (ctx: EmulatorContext, oauth2: OAuth2Provider) {
    this.#ctx = ctx
    this.#oauth2 = oauth2
  }

  /** Where Hydra's `urls.login` / `urls.consent` / `urls.logout` point: the SPA's pages of that name. */
  uiUrl (page: 'login' | 'consent' | 'logout', query: Record<string, string>): string {
    const url = new URL(page === 'login' ? this.#ctx.ui('login') : `${this.#ctx.uiUrl}/${page}`)
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
    return url.href
  }

  #client (clientId: string): ReturnType<typeof clientJson> {
    const client = this.#oauth2.clients.get(clientId)
    return client === undefined ? { client_id: clientId } : clientJson(client)
  }

  /**
   * A login request as Hydra's authorize endpoint makes one, for the admin API to handle: the emulator's own
   * authorize endpoint signs a Kratos session in directly, so tests create these with this method (or through
   * `createLoginRequest`, which takes authorize parameters). Returns the request; the UI URL is `uiUrl('login', …)`.
   */
  addLogin (request: AuthorizeRequest): LoginRequestState {
    const login: LoginRequestState = {
      ...request,
      challenge: randomToken('', 32),
      verifier: randomToken('', 32),
      sessionId: randomUUID(),
      requestedAt: this.#ctx.now(),
      used: false
    }
    this.logins.set(login.challenge, login)
    return login
  }

  /** A login request by challenge: 404 when unknown, 410 (with where to go) when already handled. */
  login (challenge: string | undefined, options: { handled?: 'ok' | 'gone' } = {}): LoginRequestState {
    const login = challenge === undefined ? undefined : this.logins.get(challenge)
    if (login === undefined || login.requestedAt + CHALLENGE_TTL_MS <= this.#ctx.now()) throw notFound('The login request could not be found.')
    if (options.handled !== 'ok' && login.handledAt !== undefined) throw new GoneError(this.#withVerifier(login.requestUrl, 'login_verifier', login.verifier))
    return login
  }

  loginJson (login: LoginRequestState): OAuth2LoginRequest {
    return {
      challenge: login.challenge,
      client: this.#client(login.clientId),
      request_url: login.requestUrl,
      requested_scope: login.scopes,
      requested_access_token_audience: login.audience,
      session_id: login.sessionId,
      // The emulator keeps no remembered Hydra login sessions across requests, so it never skips the login UI.
      skip: false,
      subject: '',
      oidc_context: {}
    }
  }

  #withVerifier (url: string, name: string, verifier: string): string {
    const next = new URL(url)
    next.searchParams.set(name, verifier)
    return next.href
  }

  acceptLogin (login: LoginRequestState, body: Record<string, unknown>): string {
    if (typeof body.subject !== 'string' || body.subject === '') throw oauth2Errors.invalidRequest('Field \'subject\' must not be empty.')
    login.subject = body.subject
    login.remember = body.remember === true
    if (typeof body.acr === 'string') login.acr = body.acr
    if (Array.isArray(body.amr)) login.amr = body.amr.filter((v): v is string => typeof v === 'string')
    if (isObject(body.context)) login.context = body.context
    login.handledAt = this.#ctx.now()
    return this.#withVerifier(login.requestUrl, 'login_verifier', login.verifier)
  }

  rejectLogin (login: LoginRequestState, body: Record<string, unknown>): string {
    login.denied = denial(body)
    login.handledAt = this.#ctx.now()
    return this.#withVerifier(login.requestUrl, 'login_verifier', login.verifier)
  }

  /**
   * The authorize endpoint given a login verifier: the handled login it belongs to, once. Then either the denial,
   * to send to the client, or a new consent request.
   */
  useLoginVerifier (verifier: string, clientId: string): { denied: Denial } | { consent: ConsentRequestState } {
    const login = [...this.logins.values()].find(l => l.verifier === verifier)
    if (login === undefined || login.handledAt === undefined || login.used || login.clientId !== clientId) {
      throw new OAuth2Error(403, 'access_denied', 'The resource owner or authorization server denied the request.', 'The login verifier has already been used, has not been granted, or is invalid.')
    }
    login.used = true
    if (login.denied !== undefined) return { denied: login.denied }
    const now = this.#ctx.now()
    const consent: ConsentRequestState = {
      clientId: login.clientId,
      redirectUri: login.redirectUri,
      scopes: login.scopes,
      audience: login.audience,
      requestUrl: login.requestUrl,
      challenge: randomToken('', 32),
      verifier: randomToken('', 32),
      consentRequestId: randomUUID(),
      loginChallenge: login.challenge,
      loginSessionId: login.sessionId,
      subject: login.subject!,
      acr: login.acr ?? '0',
      amr: login.amr ?? [],
      context: login.context ?? {},
      requestedAt: now,
      authTime: login.handledAt,
      used: false,
      revoked: false
    }
    this.consents.set(consent.challenge, consent)
    return { consent }
  }

  consent (challenge: string | undefined, options: { handled?: 'ok' | 'gone' } = {}): ConsentRequestState {
    const consent = challenge === undefined ? undefined : this.consents.get(challenge)
    if (consent === undefined || consent.requestedAt + CHALLENGE_TTL_MS <= this.#ctx.now()) throw notFound('The consent request could not be found.')
    if (options.handled !== 'ok' && consent.handledAt !== undefined) throw new GoneError(this.#withVerifier(consent.requestUrl, 'consent_verifier', consent.verifier))
    return consent
  }

  consentJson (consent: ConsentRequestState): OAuth2ConsentRequest {
    return {
      challenge: consent.challenge,
      consent_request_id: consent.consentRequestId,
      client: this.#client(consent.clientId),
      request_url: consent.requestUrl,
      requested_scope: consent.scopes,
      requested_access_token_audience: consent.audience,
      subject: consent.subject,
      login_challenge: consent.loginChallenge,
      login_session_id: consent.loginSessionId,
      acr: consent.acr,
      amr: consent.amr,
      context: consent.context,
      oidc_context: {},
      skip: false
    }
  }

  acceptConsent (consent: ConsentRequestState, body: Record<string, unknown>): string {
    const strings = (value: unknown): string[] => Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
    consent.grantScope = strings(body.grant_scope)
    consent.grantAudience = strings(body.grant_access_token_audience)
    consent.remember = body.remember === true
    consent.rememberFor = typeof body.remember_for === 'number' ? body.remember_for : 0
    if (isObject(body.session)) consent.session = body.session
    consent.handledAt = this.#ctx.now()
    return this.#withVerifier(consent.requestUrl, 'consent_verifier', consent.verifier)
  }

  rejectConsent (consent: ConsentRequestState, body: Record<string, unknown>): string {
    consent.denied = denial(body)
    consent.handledAt = this.#ctx.now()
    return this.#withVerifier(consent.requestUrl, 'consent_verifier', consent.verifier)
  }

  useConsentVerifier (verifier: string, clientId: string): ConsentRequestState {
    const consent = [...this.consents.values()].find(c => c.verifier === verifier)
    if (consent === undefined || consent.handledAt === undefined || consent.used || consent.clientId !== clientId) {
      throw new OAuth2Error(403, 'access_denied', 'The resource owner or authorization server denied the request.', 'The consent verifier has already been used, has not been granted, or is invalid.')
    }
    consent.used = true
    return consent
  }

  /** Consents a subject gave (accepted and not revoked), newest first, as listOAuth2ConsentSessions shows them. */
  sessionsOf (subject: string, loginSessionId?: string): ConsentRequestState[] {
    return [...this.consents.values()]
      .filter(c => c.subject === subject && c.handledAt !== undefined && c.denied === undefined && !c.revoked &&
        (loginSessionId === undefined || c.loginSessionId === loginSessionId))
      .reverse()
  }

  sessionJson (consent: ConsentRequestState): OAuth2ConsentSession {
    const rememberFor = consent.rememberFor ?? 0
    return {
      consent_request: this.consentJson(consent),
      consent_request_id: consent.consentRequestId,
      context: consent.context,
      grant_scope: consent.grantScope ?? [],
      grant_access_token_audience: consent.grantAudience ?? [],
      handled_at: iso(consent.handledAt!),
      remember: consent.remember === true,
      remember_for: rememberFor,
      session: consent.session ?? {},
      expires_at: {}
    } as OAuth2ConsentSession
  }

  /** Revokes the subject's consents (for one client, or all) and every token issued under them. */
  revokeConsents (subject: string, clientId: string | undefined): void {
    for (const consent of this.consents.values()) {
      if (consent.subject !== subject || (clientId !== undefined && consent.clientId !== clientId)) continue
      consent.revoked = true
    }
    // Grants the emulator's own authorize endpoint made (consent implied) go too: Hydra revokes by subject and client.
    for (const family of this.#oauth2.families.values()) {
      if (family.subject === subject && (clientId === undefined || family.clientId === clientId)) this.#oauth2.revokeFamily(family.id)
    }
  }

  forgetClient (clientId: string): void {
    for (const [key, login] of this.logins) if (login.clientId === clientId) this.logins.delete(key)
    for (const [key, consent] of this.consents) if (consent.clientId === clientId) this.consents.delete(key)
  }

  /** A logout request as Hydra's end-session endpoint makes one (RP-initiated when a client is named). */
  addLogout (request: { subject: string, sid: string, clientId?: string, postLogoutRedirectUri?: string, state?: string, requestUrl?: string }): LogoutRequestState {
    const now = this.#ctx.now()
    const logout: LogoutRequestState = {
      challenge: randomToken('', 32),
      verifier: randomToken('', 32),
      subject: request.subject,
      sid: request.sid,
      ...(request.clientId === undefined ? {} : { clientId: request.clientId }),
      requestUrl: request.requestUrl ?? `${this.#oauth2.browserUrl}/oauth2/sessions/logout`,
      rpInitiated: request.clientId !== undefined,
      ...(request.postLogoutRedirectUri === undefined ? {} : { postLogoutRedirectUri: request.postLogoutRedirectUri }),
      ...(request.state === undefined ? {} : { state: request.state }),
      requestedAt: now,
      expiresAt: now + CHALLENGE_TTL_MS,
      used: false
    }
    this.logouts.set(logout.challenge, logout)
    return logout
  }

  logout (challenge: string | undefined, options: { handled?: 'ok' | 'gone' } = {}): LogoutRequestState {
    const logout = challenge === undefined ? undefined : this.logouts.get(challenge)
    if (logout === undefined || logout.expiresAt <= this.#ctx.now()) throw notFound('The logout request could not be found.')
    if (options.handled !== 'ok' && logout.accepted !== undefined) throw new GoneError(this.logoutRedirect(logout))
    return logout
  }

  logoutJson (logout: LogoutRequestState): OAuth2LogoutRequest {
    return {
      challenge: logout.challenge,
      subject: logout.subject,
      sid: logout.sid,
      request_url: logout.requestUrl,
      rp_initiated: logout.rpInitiated,
      ...(logout.clientId === undefined ? {} : { client: this.#client(logout.clientId) }),
      requested_at: iso(logout.requestedAt),
      expires_at: iso(logout.expiresAt)
    }
  }

  /** Where an accepted logout sends the browser: the end-session endpoint again, with the verifier. */
  logoutRedirect (logout: LogoutRequestState): string {
    return this.#withVerifier(`${this.#oauth2.browserUrl}/oauth2/sessions/logout`, 'logout_verifier', logout.verifier)
  }

  useLogoutVerifier (verifier: string): LogoutRequestState {
    const logout = [...this.logouts.values()].find(l => l.verifier === verifier)
    if (logout === undefined || logout.accepted !== true || logout.used) {
      throw oauth2Errors.invalidRequest('The logout verifier has already been used, has not been granted, or is invalid.')
    }
    logout.used = true
    return logout
  }
}

/** A handled challenge read again: Hydra answers 410 with where the browser should be sent instead. */
export class GoneError extends Error {
  readonly redirectTo: string

  constructor (redirectTo: string) {
    super('The request has already been handled.')
    this.redirectTo = redirectTo
  }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function denial (body: Record<string, unknown>): Denial {
  const text = (name: string): string | undefined => typeof body[name] === 'string' && body[name] !== '' ? body[name] as string : undefined
  const hint = text('error_hint')
  return {
    error: text('error') ?? 'request_denied',
    error_description: text('error_description') ?? 'The resource owner denied the request',
    ...(hint === undefined ? {} : { error_hint: hint }),
    status_code: typeof body.status_code === 'number' ? body.status_code : 400
  }
}
