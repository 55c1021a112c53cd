import { BffError, ErrorCodes } from '../errors.js'

// The errors of the OpenID Provider's answers and tokens. Their messages, reasons and details never hold a token, a
// code or the client's secret: only what the provider said (`error`, `error_description`) and what check failed.
// Transport failures stay the Ory client's errors (OryTimeoutError 504, OryUnavailableError 502).

/** Longest `error_description` kept: it is the provider's text, shown to whoever reads the error. */
const MAX_DESCRIPTION = 300

function clip (text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}…` : text
}

export interface OAuth2ProviderErrorOptions {
  cause?: unknown
  /** RFC 6749 §5.2's `error`, when the provider answered with one. */
  error?: string
  errorDescription?: string
  /** Default 502: the provider failed the BFF, whatever it said. */
  statusCode?: number
  id?: string
}

/**
 * The OpenID Provider refused a request or answered with something the BFF cannot use: an OAuth2 error (`error`,
 * `error_description` kept), a status without one, a token response of the wrong shape, a discovery document that
 * does not fit the configuration. 502 unless said otherwise.
 */
export class OAuth2ProviderError extends BffError {
  override name = 'OAuth2ProviderError'
  readonly error: string | undefined
  readonly errorDescription: string | undefined

  constructor (message: string, options: OAuth2ProviderErrorOptions = {}) {
    const description = clip(options.errorDescription)
    const said = options.error === undefined ? undefined : `${options.error}${description === undefined ? '' : `: ${description}`}`
    super(ErrorCodes.OAUTH2_PROVIDER_ERROR, options.statusCode ?? 502, message, {
      cause: options.cause,
      id: options.id,
      reason: said === undefined ? undefined : `The OpenID Provider answered ${said}`,
      details: options.error === undefined ? undefined : { error: options.error, ...(description === undefined ? {} : { error_description: description }) }
    })
    this.error = options.error
    this.errorDescription = description
  }
}

/**
 * `invalid_grant` (RFC 6749 §5.2): the code or refresh token is expired, revoked, used already, or was issued to
 * another client. Nothing to retry: the user signs in again, so 401 `session_inactive`, what the SPA already handles.
 */
export class InvalidGrantError extends OAuth2ProviderError {
  override name = 'InvalidGrantError'

  constructor (message: string, options: Omit<OAuth2ProviderErrorOptions, 'error' | 'statusCode' | 'id'> = {}) {
    super(message, { ...options, error: 'invalid_grant', statusCode: 401, id: 'session_inactive' })
  }
}

/**
 * An ID token failed validation (OIDC Core §3.1.3.7): at the callback the sign-in did not happen, at a refresh the
 * session cannot go on. Either way the user is not signed in, so 401 `session_inactive`, with the failed check in
 * `reason`. (A 502 would say "try again later", which does not help: the same token fails the same way.)
 */
export class IdTokenError extends BffError {
  override name = 'IdTokenError'

  constructor (reason: string, options: { cause?: unknown } = {}) {
    super(ErrorCodes.OAUTH2_ID_TOKEN_INVALID, 401, 'The ID token is not valid; sign in again', { ...options, id: 'session_inactive', reason })
  }
}

/** A back-channel logout token failed validation: 400, as OIDC Back-Channel Logout 1.0 §2.8 says. */
export class LogoutTokenError extends BffError {
  override name = 'LogoutTokenError'

  constructor (reason: string, options: { cause?: unknown } = {}) {
    super(ErrorCodes.OAUTH2_LOGOUT_TOKEN_INVALID, 400, 'The logout token is not valid', { ...options, reason })
  }
}

/**
 * The callback's `iss` parameter (RFC 9207) is missing where the provider promised it, or names another issuer: the
 * answer may come from another provider (a mix-up attack), so the callback is refused like a wrong `state` (400).
 */
export class CallbackIssuerError extends BffError {
  override name = 'CallbackIssuerError'

  constructor (reason: string) {
    super(ErrorCodes.OAUTH2_STATE_INVALID, 400, 'The authorization response is not from the expected issuer', { reason })
  }
}
