import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EmulatorContext } from '../context.js'
import { OryHttpError } from '../http.js'
import { oauth2Errors, OAuth2Error, type OAuth2Provider } from '../oauth2.js'
import { clearSessionCookie, createSession, sessionFromRequest } from '../sessions.js'

// Hydra's public endpoints (https://www.ory.sh/docs/hydra/reference/api): discovery, JWKS, authorize, token,
// userinfo, revocation and RP-initiated logout. Login and consent are the emulator's Kratos: the user is whoever the
// Kratos session cookie says (or `oauth2TestIdentity`), and consent is implied, as for a first-party client that
// skips consent.

type Params = Record<string, string | string[] | undefined>

/** One parameter from the query (GET) or the form body (POST); repeated parameters are a 400 in OAuth2 (RFC 6749 §3.1). */
function param (source: unknown, name: string): string | undefined {
  const value = (source as Params | undefined)?.[name]
  if (Array.isArray(value)) throw oauth2Errors.invalidRequest(`The parameter '${name}' was given more than once.`)
  return value === undefined || value === '' ? undefined : value
}

function paramsOf (request: FastifyRequest): Params {
  return (request.method === 'GET' ? request.query : request.body) as Params ?? {}
}

function sameSecret (a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest()
  const y = createHash('sha256').update(b).digest()
  return timingSafeEqual(x, y)
}

/** RFC 6749 §2.3.1: the Basic credentials are form-encoded before base64. */
function formDecode (value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '))
}

/** Client authentication at the token and revocation endpoints, as fosite's client_authentication.go checks it. */
function authenticateClient (oauth2: OAuth2Provider, request: FastifyRequest, body: Params): string {
  const authorization = request.headers.authorization
  let id: string | undefined
  let secret: string | undefined
  let method: 'client_secret_basic' | 'client_secret_post' | 'none'
  if (typeof authorization === 'string' && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) throw oauth2Errors.invalidClient('The basic authorization header is malformed.')
    try {
      id = formDecode(decoded.slice(0, colon))
      secret = formDecode(decoded.slice(colon + 1))
    } catch {
      throw oauth2Errors.invalidRequest('The client credentials in the HTTP authorization header could not be decoded.')
    }
    method = 'client_secret_basic'
  } else {
    id = param(body, 'client_id')
    secret = param(body, 'client_secret')
    method = secret === undefined ? 'none' : 'client_secret_post'
  }
  const client = id === undefined ? undefined : oauth2.clients.get(id)
  if (client === undefined) throw oauth2Errors.invalidClient()
  if (method !== client.token_endpoint_auth_method) {
    throw oauth2Errors.invalidClient(`The OAuth 2.0 Client supports client authentication method '${client.token_endpoint_auth_method}', but method '${method}' was requested. You must configure the OAuth 2.0 client's 'token_endpoint_auth_method' value to accept '${method}'.`)
  }
  // A public client (`none`) proves nothing here; PKCE protects its codes.
  if (method !== 'none' && (secret === undefined || !sameSecret(secret, client.client_secret))) throw oauth2Errors.invalidClient()
  return client.client_id
}

function noStore (reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
}

function withQuery (base: string, query: Record<string, string | undefined>): string {
  const url = new URL(base)
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value)
  return url.href
}

/** S256 or plain (RFC 7636 §4.6). */
function pkceMatches (verifier: string, challenge: string, method: 'S256' | 'plain'): boolean {
  const computed = method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier
  return computed.length === challenge.length && timingSafeEqual(Buffer.from(computed), Buffer.from(challenge))
}

const PROMPTS = new Set(['login', 'none', 'consent', 'select_account', 'registration'])
/** fosite's MinParameterEntropy. */
const MIN_STATE_LENGTH = 8

export async function oauth2Routes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  const oauth2 = ctx.oauth2

  // Hydra answers its OAuth2 endpoints with fosite's error shape, not Kratos' (errorOAuth2 in the spec).
  app.setErrorHandler((err: FastifyError | OAuth2Error, request, reply) => {
    if (err instanceof OAuth2Error) return reply.code(err.status).type('application/json; charset=utf-8').send(err.body())
    if (err instanceof OryHttpError) throw err
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (status === 500) request.log.error({ err }, 'emulator error')
    return reply.code(status).send(status === 500 ? { error: 'server_error', error_description: 'The authorization server encountered an unexpected condition that prevented it from fulfilling the request.' } : oauth2Errors.invalidRequest(err.message).body())
  })

  app.get('/.well-known/openid-configuration', async (_request, reply) => {
    // Field for field what Hydra's oauth2/handler.go (discoverOidcConfiguration) writes, minus the verifiable
    // credentials draft and dynamic client registration, which the emulator does not serve. Hydra does not set
    // `authorization_response_iss_parameter_supported`, so neither does the emulator (nor `iss` on the callback).
    const issuer = oauth2.issuer
    return await reply.send({
      issuer,
      authorization_endpoint: `${oauth2.browserUrl}/oauth2/auth`,
      // Required by the spec's model; the emulator does not serve the device flow (a 404).
      device_authorization_endpoint: `${issuer}/oauth2/device/auth`,
      token_endpoint: `${issuer}/oauth2/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      subject_types_supported: ['public'],
      response_types_supported: ['code'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'rat', 'nonce', 'sid', 'at_hash', 'jti', 'acr', 'amr', 'email', 'email_verified', 'name', 'given_name', 'family_name'],
      scopes_supported: ['offline_access', 'offline', 'openid', 'email', 'profile'],
      userinfo_endpoint: `${issuer}/userinfo`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
      id_token_signing_alg_values_supported: ['RS256'],
      id_token_signed_response_alg: ['RS256'],
      userinfo_signed_response_alg: ['RS256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      response_modes_supported: ['query'],
      userinfo_signing_alg_values_supported: ['none', 'RS256'],
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      require_request_uri_registration: true,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      frontchannel_logout_supported: false,
      frontchannel_logout_session_supported: false,
      end_session_endpoint: `${oauth2.browserUrl}/oauth2/sessions/logout`,
      request_object_signing_alg_values_supported: ['none', 'RS256', 'ES256'],
      code_challenge_methods_supported: ['plain', 'S256']
    })
  })

  app.get('/.well-known/jwks.json', async (_request, reply) => await reply.send(await oauth2.jwks()))

  app.get('/oauth2/auth', async (request, reply) => {
    const query = paramsOf(request)
    const clientId = param(query, 'client_id')
    const client = clientId === undefined ? undefined : oauth2.clients.get(clientId)
    if (client === undefined) throw oauth2Errors.invalidClient('The requested OAuth 2.0 Client does not exist.')
    const scopes = (param(query, 'scope') ?? '').split(' ').filter(s => s !== '')
    let redirectUri = param(query, 'redirect_uri')
    if (redirectUri === undefined) {
      // fosite (authorize_helper.go): without redirect_uri, a client's only registered URI is used, except for OIDC.
      if (scopes.includes('openid')) throw oauth2Errors.invalidRequest("The 'redirect_uri' parameter is required when using OpenID Connect 1.0.")
      if (client.redirect_uris.length === 1) redirectUri = client.redirect_uris[0]!
    }
    // Until here nothing can be sent back to the client: the redirect URI is not yet known to be the client's.
    // fosite writes these as JSON (authorize_error.go); Hydra forwards them to its error page, which a test or a
    // developer reads less easily. Exact string comparison, as fosite's MatchRedirectURIWithClientRedirectURIs.
    if (redirectUri === undefined || !client.redirect_uris.includes(redirectUri)) {
      throw oauth2Errors.invalidRequest("The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's pre-registered redirect urls.")
    }
    const state = param(query, 'state')
    // fosite's WriteAuthorizeError/WriteAuthorizeResponse answer with 303 See Other.
    const back = (values: Record<string, string | undefined>): FastifyReply => reply.code(303).header('location', withQuery(redirectUri, { ...values, state })).send()
    const fail = (err: OAuth2Error): FastifyReply => back({ error: err.error, error_description: err.description })

    try {
      const responseType = param(query, 'response_type')
      if (responseType === undefined) return fail(oauth2Errors.unsupportedResponseType("`The request is missing the 'response_type' parameter."))
      if (responseType !== 'code') return fail(oauth2Errors.unsupportedResponseType(`The client is not allowed to request response_type '${responseType}'.`))
      if (state === undefined || state.length < MIN_STATE_LENGTH) {
        return fail(oauth2Errors.invalidState(`Request parameter 'state' must be at least be ${MIN_STATE_LENGTH} characters long to ensure sufficient entropy.`))
      }
      const allowed = client.scope.split(' ')
      const forbidden = scopes.find(s => !allowed.includes(s))
      if (forbidden !== undefined) return fail(oauth2Errors.invalidScope(`The OAuth 2.0 Client is not allowed to request scope '${forbidden}'.`))
      const prompts = (param(query, 'prompt') ?? '').split(' ').filter(p => p !== '')
      const unknown = prompts.find(p => !PROMPTS.has(p))
      if (unknown !== undefined) return fail(oauth2Errors.invalidRequest(`Used unknown value '${prompts.join(' ')}' for prompt parameter`))
      if (prompts.includes('none') && prompts.length > 1) return fail(oauth2Errors.invalidRequest("Parameter 'prompt' was set to 'none', but contains other values as well which is not allowed."))
      const challenge = param(query, 'code_challenge')
      const method = param(query, 'code_challenge_method') ?? (challenge === undefined ? undefined : 'plain')
      if (method !== undefined && method !== 'S256' && method !== 'plain') return fail(oauth2Errors.invalidRequest('The code_challenge_method is not supported, use S256 instead.'))
      const nonce = param(query, 'nonce')

      // Coming back from a login or consent UI that used the admin API (consent/strategy_default.go): a login verifier
      // becomes a consent request, a consent verifier a code.
      const pkce = { ...(challenge === undefined ? {} : { challenge }), ...(method === undefined ? {} : { method: method as 'S256' | 'plain' }) }
      const consentVerifier = param(query, 'consent_verifier')
      if (consentVerifier !== undefined) {
        const consent = oauth2.challenges.useConsentVerifier(consentVerifier, client.client_id)
        if (consent.denied !== undefined) return back({ error: consent.denied.error, error_description: consent.denied.error_description })
        const granted = consent.grantScope ?? []
        const code = oauth2.issueCode({
          clientId: client.client_id,
          consentId: consent.consentRequestId,
          subject: consent.subject,
          sid: consent.loginSessionId,
          scopes: granted,
          ...(nonce === undefined ? {} : { nonce }),
          authTime: consent.authTime,
          requestedAt: consent.requestedAt
        }, redirectUri, pkce)
        return back({ code, scope: granted.join(' ') })
      }
      const loginVerifier = param(query, 'login_verifier')
      if (loginVerifier !== undefined) {
        const result = oauth2.challenges.useLoginVerifier(loginVerifier, client.client_id)
        if ('denied' in result) return back({ error: result.denied.error, error_description: result.denied.error_description })
        return reply.code(302).header('location', oauth2.challenges.uiUrl('consent', { consent_challenge: result.consent.challenge })).send()
      }

      // Hydra's login UI (`oauth2LoginConsentUi`): no login is remembered across requests, so every request is one.
      if (oauth2.loginConsentUi) {
        if (prompts.includes('none')) return fail(oauth2Errors.loginRequired('Prompt \'none\' was requested, but no existing login session was found.'))
        const login = oauth2.challenges.addLogin({
          clientId: client.client_id,
          redirectUri,
          scopes,
          audience: (param(query, 'audience') ?? '').split(' ').filter(a => a !== ''),
          requestUrl: `${oauth2.browserUrl}${request.url}`
        })
        return reply.code(302).header('location', oauth2.challenges.uiUrl('login', { login_challenge: login.challenge })).send()
      }

      // Login. `prompt=login` is not forced here: a live Kratos session counts as the login (a simplification).
      let session = sessionFromRequest(ctx, request, { token: false })
      if (session === undefined) {
        const identity = oauth2.testIdentityRecord()
        if (identity !== undefined && identity.state === 'active') {
          session = createSession(ctx, request, identity, 'password')
        } else if (prompts.includes('none')) {
          return fail(oauth2Errors.loginRequired('Prompt \'none\' was requested, but no existing login session was found.'))
        } else {
          // Ory Network sends the browser to the login UI; the emulator to its Kratos browser flow, which comes back
          // here (return_to may point at the emulator itself) once the user signed in. `prompt=registration` (Ory
          // Network) goes to registration instead.
          const flow = prompts.includes('registration') ? 'registration' : 'login'
          return reply.code(302).header('location', ctx.url(`/self-service/${flow}/browser`, { return_to: `${oauth2.browserUrl}${request.url}` })).send()
        }
      }

      const now = ctx.now()
      const code = oauth2.issueCode({
        clientId: client.client_id,
        subject: session.identityId,
        sid: session.id,
        scopes,
        ...(nonce === undefined ? {} : { nonce }),
        authTime: session.authenticatedAt,
        requestedAt: now
      }, redirectUri, pkce)
      return back({ code, scope: scopes.join(' ') })
    } catch (err) {
      if (err instanceof OAuth2Error) return fail(err)
      throw err
    }
  })

  app.post('/oauth2/token', async (request, reply) => {
    const body = (request.body ?? {}) as Params
    const grantType = typeof body.grant_type === 'string' ? body.grant_type : '(none)'
    oauth2.tokenCalls.total++
    oauth2.tokenCalls.byGrantType[grantType] = (oauth2.tokenCalls.byGrantType[grantType] ?? 0) + 1
    noStore(reply)
    const clientId = authenticateClient(oauth2, request, body)
    const now = ctx.now()

    if (grantType === 'authorization_code') {
      const code = oauth2.codes.get(param(body, 'code') ?? '')
      if (code === undefined) throw oauth2Errors.invalidGrant()
      if (code.used) {
        // RFC 6749 §4.1.2 and fosite's flow_authorize_code_token.go: reuse revokes what the code gave.
        oauth2.revokeFamily(code.familyId)
        throw oauth2Errors.invalidGrant('The authorization code has already been used.')
      }
      if (code.expiresAt <= now) throw oauth2Errors.invalidGrant(`Authorize code expired at '${new Date(code.expiresAt).toISOString()}'.`)
      if (code.clientId !== clientId) throw oauth2Errors.invalidGrant('The OAuth 2.0 Client ID from this request does not match the one from the authorize request.')
      if (param(body, 'redirect_uri') !== code.redirectUri) throw oauth2Errors.invalidGrant("The 'redirect_uri' from this request does not match the one from the authorize request.")
      const verifier = param(body, 'code_verifier')
      if (code.challenge !== undefined) {
        if (verifier === undefined) throw oauth2Errors.invalidGrant('The PKCE code verifier must be at least 43 characters.')
        if (verifier.length < 43) throw oauth2Errors.invalidGrant('The PKCE code verifier must be at least 43 characters.')
        if (verifier.length > 128) throw oauth2Errors.invalidGrant('The PKCE code verifier can not be longer than 128 characters.')
        if (!/^[\w.~-]+$/.test(verifier)) throw oauth2Errors.invalidGrant("The PKCE code verifier must only contain [a-Z], [0-9], '-', '.', '_', '~'.")
        if (!pkceMatches(verifier, code.challenge, code.challengeMethod ?? 'plain')) throw oauth2Errors.invalidGrant('The PKCE code challenge did not match the code verifier.')
      } else if (verifier !== undefined) {
        throw oauth2Errors.invalidGrant('The PKCE code verifier was provided but the code challenge was absent from the authorization request.')
      }
      code.used = true
      const family = oauth2.families.get(code.familyId)!
      return await reply.send(await oauth2.issueTokens(family))
    }

    if (grantType === 'refresh_token') {
      const token = param(body, 'refresh_token') ?? ''
      const stored = oauth2.refreshTokens.get(token)
      const family = stored === undefined ? undefined : oauth2.families.get(stored.familyId)
      if (stored === undefined || family === undefined) throw oauth2Errors.invalidGrant('The refresh token is malformed or not valid.')
      if (stored.rotated) {
        // fosite's flow_refresh.go (handleRefreshTokenReuse): a rotated token presented again revokes the family.
        oauth2.revokeFamily(family.id)
        throw oauth2Errors.invalidGrant('The refresh token was already used.')
      }
      if (stored.revoked || family.revoked) throw oauth2Errors.invalidGrant('The refresh token is malformed or not valid.')
      if (stored.expiresAt <= now) throw oauth2Errors.invalidGrant('The refresh token expired.')
      if (family.clientId !== clientId) throw oauth2Errors.invalidGrant('The OAuth 2.0 Client ID from this request does not match the ID during the initial token issuance.')
      // Rotation: the old refresh token and the access tokens issued before it stop working.
      stored.rotated = true
      for (const access of oauth2.accessTokens.values()) if (access.familyId === family.id) access.revoked = true
      return await reply.send(await oauth2.issueTokens(family))
    }

    throw oauth2Errors.unsupportedGrantType(`The emulator supports grant types 'authorization_code' and 'refresh_token', not '${grantType}'.`)
  })

  const userinfo = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const authorization = request.headers.authorization
    const token = typeof authorization === 'string' && /^bearer /i.test(authorization)
      ? authorization.slice(7).trim()
      : request.method === 'POST' ? param(request.body, 'access_token') ?? '' : ''
    let family
    try {
      family = oauth2.accessTokenFamily(token)
    } catch (err) {
      if (err instanceof OAuth2Error) {
        // Hydra's getOidcUserInfo: a 401 carries the error in WWW-Authenticate too (RFC 6750 §3).
        reply.header('www-authenticate', `Bearer error="${err.error}",error_description="${err.description}"`)
      }
      throw err
    }
    // Hydra answers the ID token's claims minus nonce, at_hash, c_hash, exp, sid and jti.
    const identityClaims = oauth2.identityClaims(family)
    return await noStore(reply).send({
      sub: family.subject,
      iss: oauth2.issuer,
      aud: [family.clientId],
      auth_time: Math.floor(family.authTime / 1000),
      iat: Math.floor(ctx.now() / 1000),
      rat: Math.floor(family.requestedAt / 1000),
      acr: '0',
      amr: ['pwd'],
      ...identityClaims
    })
  }
  app.get('/userinfo', userinfo)
  app.post('/userinfo', userinfo)

  app.post('/oauth2/revoke', async (request, reply) => {
    const body = (request.body ?? {}) as Params
    const clientId = authenticateClient(oauth2, request, body)
    const token = param(body, 'token')
    if (token === undefined) throw oauth2Errors.invalidRequest("The POST body can not be empty and must contain the 'token' parameter.")
    // fosite's revocation.go: the hint only orders the look-up; either kind revokes the whole grant.
    const stored = oauth2.refreshTokens.get(token) ?? oauth2.accessTokens.get(token)
    if (stored !== undefined) {
      if (oauth2.families.get(stored.familyId)?.clientId !== clientId) throw oauth2Errors.unauthorizedClient()
      oauth2.revokeFamily(stored.familyId)
    }
    // RFC 7009 §2.2: an unknown or already revoked token is not an error.
    return await noStore(reply).code(200).send()
  })

  // Hydra forwards logout errors to its error URL (oauth2/handler.go, forwardError), whose default page is this one.
  app.get('/oauth2/fallbacks/error', async (request, reply) => {
    const query = request.query as Params
    return await reply.code(500).type('application/json; charset=utf-8').send({
      error: param(query, 'error') ?? 'server_error',
      error_description: param(query, 'error_description') ?? ''
    })
  })

  const logout = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const params = paramsOf(request)
    try {
      return await endSession(request, reply, params)
    } catch (err) {
      if (!(err instanceof OAuth2Error)) throw err
      return reply.code(302).header('location', ctx.url('/oauth2/fallbacks/error', { error: err.error, error_description: err.description })).send()
    }
  }

  /**
   * RP-initiated logout (consent/strategy_default.go, issueLogoutVerifier + completeLogout), with the logout UI's
   * consent implied: the Kratos session of the hint's `sid` ends, every client with a back-channel URI that holds a
   * grant of that session is told (in the background, as Hydra does), and the browser goes to the registered
   * post_logout_redirect_uri with `state`. Tokens stay valid, as in Hydra: logout ends the login session only.
   */
  const endSession = async (request: FastifyRequest, reply: FastifyReply, params: Params): Promise<FastifyReply> => {
    // Back from a logout UI that accepted the logout request through the admin API.
    const verifier = param(params, 'logout_verifier')
    if (verifier !== undefined) {
      const accepted = oauth2.challenges.useLogoutVerifier(verifier)
      const ended = ctx.state.sessions.get(accepted.sid)
      if (ended !== undefined && ended.active) {
        ended.active = false
        clearSessionCookie(ctx, reply)
      }
      oauth2.backchannelLogout({ sid: accepted.sid }).catch((err: unknown) => request.log.error({ err }, 'back-channel logout failed'))
      const to = accepted.postLogoutRedirectUri === undefined ? ctx.ui('defaultReturn') : withQuery(accepted.postLogoutRedirectUri, { state: accepted.state })
      return reply.code(302).header('location', to).send()
    }
    const hint = param(params, 'id_token_hint')
    const state = param(params, 'state')
    const requested = param(params, 'post_logout_redirect_uri')
    let redirect = ctx.ui('defaultReturn')
    let sid: string | undefined
    if (hint === undefined) {
      if (state !== undefined) throw oauth2Errors.invalidRequest('Logout failed because query parameter state is set but id_token_hint is missing.')
      if (requested !== undefined) throw oauth2Errors.invalidRequest('Logout failed because query parameter post_logout_redirect_uri is set but id_token_hint is missing.')
      sid = sessionFromRequest(ctx, request, { token: false })?.id
    } else {
      const claims = await oauth2.verifyOwn(hint)
      if (claims === undefined) throw oauth2Errors.invalidRequest('Logout failed because the id_token_hint could not be verified.')
      if (claims.iss !== oauth2.issuer) {
        throw oauth2Errors.invalidRequest(`Logout failed because issuer claim value '${String(claims.iss)}' from query parameter id_token_hint does not match with issuer value from configuration '${oauth2.issuer}'.`)
      }
      if (typeof claims.sid !== 'string' || claims.sid === '') throw oauth2Errors.invalidRequest('Logout failed because query parameter id_token_hint is missing sid claim.')
      if (typeof claims.sub !== 'string' || claims.sub === '') throw oauth2Errors.invalidRequest('Logout failed because query parameter id_token_hint is missing sub claim.')
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud ?? '']
      const client = audiences.map(aud => oauth2.clients.get(aud)).find(c => c !== undefined)
      if (client === undefined) throw oauth2Errors.invalidRequest('Logout failed because none of the listed audiences is a registered OAuth 2.0 Client.')
      if (requested !== undefined) {
        if (!(client.post_logout_redirect_uris ?? []).includes(requested)) {
          throw oauth2Errors.invalidRequest('Logout failed because query parameter post_logout_redirect_uri is not a whitelisted as a post_logout_redirect_uri for the client.')
        }
        redirect = withQuery(requested, { state })
      }
      // Hydra's logout UI (`oauth2LoginConsentUi`): a logout request for the UI to accept or reject, which comes back
      // here with its verifier.
      if (oauth2.loginConsentUi) {
        const pending = oauth2.challenges.addLogout({
          subject: claims.sub,
          sid: claims.sid,
          clientId: client.client_id,
          ...(requested === undefined ? {} : { postLogoutRedirectUri: requested }),
          ...(state === undefined ? {} : { state }),
          requestUrl: `${oauth2.browserUrl}${request.url}`
        })
        return reply.code(302).header('location', oauth2.challenges.uiUrl('logout', { logout_challenge: pending.challenge })).send()
      }
      sid = claims.sid
    }
    const session = sid === undefined ? undefined : ctx.state.sessions.get(sid)
    if (session !== undefined && session.active) {
      session.active = false
      // Hydra removes its authentication cookie whichever session it named; the emulator's login cookie is Kratos'.
      clearSessionCookie(ctx, reply)
      oauth2.backchannelLogout({ sid: session.id }).catch((err: unknown) => request.log.error({ err }, 'back-channel logout failed'))
    }
    return reply.code(302).header('location', redirect).send()
  }
  app.get('/oauth2/sessions/logout', logout)
  app.post('/oauth2/sessions/logout', logout)
}
