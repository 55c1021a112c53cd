import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { ErrorCodes, HttpError, invalidInput } from '../errors.js'
import { createReturnToCheck } from '../mirror/return-to.js'
import { clearCookie, cookieName, setCookie } from '../oauth2/cookies.js'
import { TokenSessionInvalidError } from '../oauth2/errors.js'
import { createPkce, randomToken } from '../oauth2/pkce.js'
import { tokenSetFrom } from '../oauth2/provider.js'
import { newSession, userClaims } from '../oauth2/session.js'
import {
  isState, MAX_TRANSACTIONS, openTransaction, sealTransaction, TRANSACTION_TTL_SECONDS, transactionCookieBase, transactionStates,
  type LoginTransaction
} from '../oauth2/transaction.js'
import type { LoadedSession, OAuth2Session } from '../oauth2/types.js'
import { appendSetCookie, requestCookies, type OAuth2Service } from '../plugins/oauth2.js'
import { oauth2UserRef, oauth2LogoutRef } from './oauth2-schemas.js'
import { typeBoxValidatorCompiler } from './validation.js'

// OAuth2/OpenID Connect login for the SPA with the BFF as the confidential client (IETF "OAuth 2.0 for
// Browser-Based Applications", Backend For Frontend): the browser only ever holds the BFF's HttpOnly cookies.
// login and callback are top-level navigations; user, logout and the API proxy are the SPA's fetch calls and get the
// CSRF defence (src/plugins/csrf.ts); the back-channel logout is the provider's server-to-server call, authenticated
// by its signed logout token.

export interface OAuth2RoutesOptions {
  config: Config
}

const LoginQuery = Type.Object({
  return_to: Type.Optional(Type.String({ maxLength: 4096, description: 'Where to send the browser after login; must be among ALLOWED_RETURN_URLS. Default: PUBLIC_URL.' })),
  prompt: Type.Optional(Type.Union(['login', 'consent', 'none', 'registration'].map(value => Type.Literal(value)), {
    description: 'Passed to the provider: `login` to sign in again, `consent` to ask again, `none` to fail instead of showing a page, `registration` (Ory) to open the registration form.'
  }))
}, { additionalProperties: false })

// RFC 6749 §4.1.2 and §4.1.2.1, RFC 9207: the parameters of the provider's redirect back. Unknown ones are ignored
// (providers add their own, such as `session_state`).
const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  iss: Type.Optional(Type.String({ maxLength: 2048 })),
  error: Type.Optional(Type.String({ maxLength: 256, pattern: '^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+$' })),
  error_description: Type.Optional(Type.String({ maxLength: 1024 })),
  error_uri: Type.Optional(Type.String({ maxLength: 2048 }))
})

const NO_STORE = 'no-store'
/** The ID token kept for the end-session redirect after a logout: long enough for the SPA to navigate there. */
const LOGOUT_COOKIE = 'bff_oauth2_logout'
const LOGOUT_TTL_SECONDS = 120

function stateError (reason: string): HttpError {
  return new HttpError(400, 'The login could not be completed: its state is missing, unknown or already used; start the login again', {
    code: ErrorCodes.OAUTH2_STATE_INVALID,
    id: 'security_csrf_violation',
    reason
  })
}

function signedOut (): HttpError {
  return new HttpError(401, 'No active session was found in this request.', {
    code: ErrorCodes.SESSION_INACTIVE,
    id: 'session_inactive',
    reason: 'Sign in through /api/oauth2/login first.'
  })
}

export const oauth2Routes: FastifyPluginAsyncTypebox<OAuth2RoutesOptions> = async function oauth2Routes (app, { config }) {
  const oauth2 = app.oauth2 as OAuth2Service
  const secure = oauth2.secure
  app.setValidatorCompiler(typeBoxValidatorCompiler(app.checks))
  const checkReturnTo = createReturnToCheck(config.allowedReturnUrls, config.publicUrl)
  const defaultReturnTo = `${config.publicUrl}/`
  // OIDC Back-Channel Logout §2.5: the logout token arrives as an HTML form would send it; it is small.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  app.get('/login', {
    // Each login costs a sealed transaction cookie and a trip to the provider: limited with the sign-in submits.
    ...(app.rateLimits.perClientIp === undefined ? {} : { onRequest: app.rateLimits.perClientIp }),
    schema: {
      summary: 'Start an OAuth2/OpenID Connect login',
      description: 'A top-level navigation: 302 to the provider\'s authorization endpoint with code, PKCE (S256), state and nonce. The login in progress lives in a sealed cookie named after its state, so several tabs may log in at once. With RATE_LIMIT=on (the default) it counts toward the client IP\'s limit with the sign-in submits: over it, 429 with Retry-After.',
      tags: ['oauth2'],
      querystring: LoginQuery
    }
  }, async function login (request, reply) {
    const returnTo = request.query.return_to === undefined ? defaultReturnTo : checkReturnTo(request.query.return_to)
    if (returnTo === undefined) {
      throw invalidInput('querystring', [{ path: '/return_to', message: 'must be a URL among ALLOWED_RETURN_URLS' }])
    }
    const pkce = createPkce()
    const transaction: LoginTransaction = {
      state: randomToken(32),
      nonce: randomToken(32),
      codeVerifier: pkce.verifier,
      returnTo,
      createdAt: oauth2.nowSeconds()
    }
    const location = await oauth2.provider.authorizationUrl({
      state: transaction.state,
      nonce: transaction.nonce,
      codeVerifier: pkce.verifier,
      scopes: oauth2.config.scopes,
      prompt: request.query.prompt
    })
    const name = cookieName(transactionCookieBase(transaction.state), secure)
    appendSetCookie(reply, [
      ...dropOldTransactions(request, oauth2),
      setCookie(name, sealTransaction(oauth2.transactions, transaction, name), { maxAge: TRANSACTION_TTL_SECONDS, secure })
    ])
    reply.header('cache-control', NO_STORE)
    return await reply.redirect(location, 302)
  })

  app.get('/callback', {
    schema: {
      summary: 'The provider\'s redirect back after login',
      description: 'Checks state (and `iss`, RFC 9207), exchanges the code with PKCE, validates the ID token, stores the tokens and redirects to the login\'s return_to. A provider error (access_denied, login_required …) redirects to return_to with `error` and `error_description`. A missing, unknown or used state: 400.',
      tags: ['oauth2'],
      querystring: CallbackQuery
    }
  }, async function callback (request, reply) {
    const query = request.query
    reply.header('cache-control', NO_STORE)
    if (query.state === undefined || query.state === '') throw stateError('The provider\'s redirect carries no state.')
    if (!isState(query.state)) throw stateError('The state is not one this BFF issued.')
    const name = cookieName(transactionCookieBase(query.state), secure)
    const sealed = requestCookies(request)[name]
    if (sealed === undefined) throw stateError('No login with this state is in progress in this browser: it was finished already, has expired, or was started elsewhere.')
    // The transaction is single-use: gone whatever happens next, so a replayed callback finds nothing.
    appendSetCookie(reply, [clearCookie(name, secure)])
    const transaction = openTransaction(oauth2.transactions, sealed, name, query.state, oauth2.nowSeconds())
    if (transaction === undefined) throw stateError('The login\'s cookie is not valid or has expired.')

    if (query.error !== undefined) {
      // RFC 6749 §4.1.2.1: the user or the provider said no. Back to the SPA with the error, never into another login.
      const target = new URL(transaction.returnTo)
      target.searchParams.set('error', query.error)
      if (query.error_description !== undefined) target.searchParams.set('error_description', query.error_description)
      request.log.info({ oauth2Error: query.error }, 'the provider ended the login with an error')
      return await reply.redirect(target.href, 302)
    }
    if (query.code === undefined) throw invalidInput('querystring', [{ path: '/code', message: 'is required when the redirect carries no error' }])
    await oauth2.provider.checkCallbackIssuer(query.iss)

    const tokens = await oauth2.provider.exchangeCode({ code: query.code, codeVerifier: transaction.codeVerifier }, { requestId: request.id })
    if (tokens.id_token === undefined) {
      throw new HttpError(502, 'The provider answered the code exchange without an ID token', { code: ErrorCodes.OAUTH2_PROVIDER_ERROR, reason: 'OAUTH2_SCOPES includes openid, so the token response must carry an id_token (OIDC Core §3.1.3.3).' })
    }
    const claims = await oauth2.provider.validateIdToken(tokens.id_token, { nonce: transaction.nonce })
    const sub = claims.sub as string
    const userinfo = await fetchUserinfo(request, oauth2, tokens.access_token, sub)
    const now = oauth2.nowSeconds()
    const session = newSession({
      sub,
      sid: typeof claims.sid === 'string' ? claims.sid : undefined,
      claims: userClaims(oauth2.config.userClaims, claims as Record<string, unknown>, userinfo),
      tokens: tokenSetFrom(tokens, now),
      now
    })
    appendSetCookie(reply, await replaceSession(request, oauth2, session))
    request.log.info({ oauth2Session: 'created' }, 'OAuth2 login completed')
    return await reply.redirect(transaction.returnTo, 302)
  })

  app.get('/user', {
    schema: {
      summary: 'Who signed in through OAuth2',
      description: '`sub` and the claims allowed by OAUTH2_USER_CLAIMS, and when the session ends. 401 in Ory\'s error shape when signed out (never a redirect). Never cached. Needs the CSRF header (X-Requested-With: XMLHttpRequest).',
      tags: ['oauth2'],
      response: { 200: oauth2UserRef }
    }
  }, async function user (request, reply) {
    reply.header('cache-control', NO_STORE)
    const session = await oauth2.fresh(request, reply)
    if (session === undefined) throw signedOut()
    return {
      signed_in: true as const,
      sub: session.sub,
      claims: session.claims,
      expires_at: new Date(session.expiresAt * 1000).toISOString(),
      access_token_expires_at: new Date(session.tokens.accessTokenExpiresAt * 1000).toISOString()
    }
  })

  app.post('/logout', {
    schema: {
      summary: 'Sign out of the OAuth2 session',
      description: 'Revokes the refresh and access tokens at the provider, deletes the session, clears the cookies and answers with the URL for the SPA to navigate to next, `/api/oauth2/end-session`, which redirects to the provider\'s end-session endpoint; null when the provider has none or there was no session.',
      tags: ['oauth2'],
      response: { 200: oauth2LogoutRef }
    }
  }, async function logout (request, reply) {
    reply.header('cache-control', NO_STORE)
    const cookies = requestCookies(request)
    let loaded: LoadedSession | undefined
    try {
      loaded = await oauth2.store.load(cookies)
    } catch (err) {
      // Cookies that cannot be opened: nothing to revoke, and the user wants them gone anyway.
      if (!(err instanceof TokenSessionInvalidError)) throw err
    }
    if (loaded === undefined) {
      appendSetCookie(reply, oauth2.store.clearCookies(cookies))
      return { logout_url: null }
    }
    const { tokens } = loaded.session
    // RFC 7009 §2.1: revoking the refresh token revokes its access tokens at most providers; the access token is
    // revoked as well for those that do not. A provider that cannot be reached does not keep the user signed in here.
    const revocations = [
      ...(tokens.refreshToken === undefined ? [] : [oauth2.provider.revoke(tokens.refreshToken, 'refresh_token', { requestId: request.id })]),
      oauth2.provider.revoke(tokens.accessToken, 'access_token', { requestId: request.id })
    ]
    for (const result of await Promise.allSettled(revocations)) {
      if (result.status === 'rejected') request.log.warn({ err: result.reason }, 'token revocation failed at logout; the session is deleted here all the same')
    }
    appendSetCookie(reply, await oauth2.store.delete(loaded, cookies))
    let endSession: string | undefined
    try {
      endSession = (await oauth2.provider.metadata(request.id)).end_session_endpoint
    } catch (err) {
      request.log.warn({ err }, 'the provider\'s end-session endpoint is unknown (discovery failed)')
    }
    if (endSession === undefined) return { logout_url: null }
    // The ID token goes to the provider as id_token_hint, but never through the page: the SPA navigates to the BFF's
    // own end-session route, which redirects with the hint kept meanwhile in a sealed, short-lived cookie.
    if (tokens.idToken !== undefined) {
      const name = cookieName(LOGOUT_COOKIE, secure)
      const now = oauth2.nowSeconds()
      appendSetCookie(reply, [setCookie(name, oauth2.logouts.seal({ idTokenHint: tokens.idToken }, now + LOGOUT_TTL_SECONDS, name), { maxAge: LOGOUT_TTL_SECONDS, secure })])
    }
    return { logout_url: `${config.publicUrl}/api/oauth2/end-session` }
  })

  app.get('/end-session', {
    schema: {
      summary: 'On to the provider\'s end-session endpoint',
      description: 'The navigation that POST /api/oauth2/logout\'s logout_url names: 302 to the provider\'s end-session endpoint (OpenID Connect RP-Initiated Logout) with id_token_hint, client_id and post_logout_redirect_uri. The ID token reaches the provider in the redirect, never the page.',
      tags: ['oauth2']
    }
  }, async function endSession (request, reply) {
    reply.header('cache-control', NO_STORE)
    const name = cookieName(LOGOUT_COOKIE, secure)
    const sealed = requestCookies(request)[name]
    let idTokenHint: string | undefined
    if (sealed !== undefined) {
      appendSetCookie(reply, [clearCookie(name, secure)])
      try {
        const opened = oauth2.logouts.open(sealed, name, oauth2.nowSeconds()) as { idTokenHint?: unknown }
        if (typeof opened.idTokenHint === 'string') idTokenHint = opened.idTokenHint
      } catch {}
    }
    const location = await oauth2.provider.endSessionUrl({ idTokenHint, postLogoutRedirectUri: oauth2.config.postLogoutRedirectUri })
    return await reply.redirect(location ?? oauth2.config.postLogoutRedirectUri, 302)
  })

  app.post('/backchannel-logout', {
    schema: {
      summary: 'OpenID Connect Back-Channel Logout',
      description: 'The provider\'s server-to-server call with a signed logout token (form field logout_token): ends the BFF sessions of its `sid` or `sub`. 400 for an invalid or replayed token; 501 with TOKEN_STORE=cookie, which keeps no sessions to end.',
      tags: ['oauth2'],
      body: Type.Object({ logout_token: Type.String({ minLength: 1, maxLength: 8192 }) })
    }
  }, async function backchannelLogout (request, reply) {
    // §2.8: the answer must not be cached.
    reply.header('cache-control', NO_STORE)
    if (oauth2.store.kind === 'cookie') {
      throw new HttpError(501, 'Back-channel logout needs TOKEN_STORE=redis: with TOKEN_STORE=cookie the sessions live in the browsers\' cookies, where the BFF cannot end them', { code: ErrorCodes.NOT_IMPLEMENTED })
    }
    const logout = await oauth2.provider.validateLogoutToken(request.body.logout_token)
    if (!await oauth2.store.rememberJti(logout.jti, logout.expiresAt)) {
      throw new HttpError(400, 'The logout token was used before', { code: ErrorCodes.OAUTH2_LOGOUT_TOKEN_INVALID, reason: 'Its jti has been seen already (OIDC Back-Channel Logout §2.6, step 9).' })
    }
    const ended = await oauth2.store.endSessions(logout.sid === undefined ? { sub: logout.sub } : { sid: logout.sid, sub: logout.sub })
    request.log.info({ ended }, 'back-channel logout')
    return await reply.code(200).send()
  })
}

/**
 * Stores the new session of a login, ending the one the browser may still have (signed in as someone else, or long
 * ago): its Redis record goes, and every cookie of the old one that the new one does not overwrite is cleared, so
 * that no stale chunk is read back with the new cookies.
 */
async function replaceSession (request: FastifyRequest, oauth2: OAuth2Service, session: OAuth2Session): Promise<string[]> {
  const cookies = requestCookies(request)
  let previous: LoadedSession | undefined
  try {
    previous = await oauth2.store.load(cookies)
  } catch (err) {
    if (!(err instanceof TokenSessionInvalidError)) throw err
  }
  if (previous !== undefined) await oauth2.store.delete(previous, {})
  const lines = await oauth2.store.save(session)
  const written = new Set(lines.map(cookieNameOf))
  return [...lines, ...oauth2.store.clearCookies(cookies).filter(line => !written.has(cookieNameOf(line)))]
}

function cookieNameOf (line: string): string {
  return line.slice(0, line.indexOf('='))
}

/** Transaction cookies beyond the newest few are dropped: abandoned logins must not pile up in the Cookie header. */
function dropOldTransactions (request: FastifyRequest, oauth2: OAuth2Service): string[] {
  const cookies = requestCookies(request)
  const states = transactionStates(Object.keys(cookies))
  if (states.length < MAX_TRANSACTIONS) return []
  const now = oauth2.nowSeconds()
  const aged = states.map(state => {
    const name = cookieName(transactionCookieBase(state), oauth2.secure)
    const sealed = requestCookies(request)[name]
    const transaction = sealed === undefined ? undefined : openTransaction(oauth2.transactions, sealed, name, state, now)
    return { name, createdAt: transaction?.createdAt ?? 0 }
  }).sort((a, b) => b.createdAt - a.createdAt)
  return aged.slice(MAX_TRANSACTIONS - 1).map(entry => clearCookie(entry.name, oauth2.secure))
}

/** Userinfo's claims, when the provider has the endpoint; its `sub` must be the ID token's (OIDC Core §5.3.2). */
async function fetchUserinfo (request: FastifyRequest, oauth2: OAuth2Service, accessToken: string, sub: string): Promise<Record<string, unknown> | undefined> {
  let userinfo: Record<string, unknown> | undefined
  try {
    userinfo = await oauth2.provider.userinfo(accessToken, { requestId: request.id })
  } catch (err) {
    // The ID token's claims suffice to sign in; a provider whose userinfo fails costs the extra claims only.
    request.log.warn({ err }, 'userinfo failed; the ID token\'s claims are used alone')
    return undefined
  }
  if (userinfo !== undefined && userinfo.sub !== sub) {
    throw new HttpError(502, 'The provider\'s userinfo is about another user than the ID token', { code: ErrorCodes.OAUTH2_PROVIDER_ERROR, reason: 'OIDC Core §5.3.2: the sub of userinfo must equal the ID token\'s.' })
  }
  return userinfo
}
