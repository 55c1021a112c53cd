import { randomUUID } from 'node:crypto'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IntrospectedOAuth2Token, JsonPatch, JsonWebKey, TrustedOAuth2JwtGrantIssuer } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { OryHttpError, paginate, queryString } from '../http.js'
import { iso } from '../identities.js'
import { applyJsonPatch } from '../json-patch.js'
import { invalidJwk, publicJwk } from '../jwk.js'
import { GoneError, notFound } from '../oauth2-challenges.js'
import { clientDocument, clientFromBody, clientJson, lifespans, type StoredOAuth2Client } from '../oauth2-clients.js'
import { OAuth2Error, oauth2Errors, type StoredToken, type TrustedIssuer } from '../oauth2.js'
import { requireApiKey } from './admin-auth.js'

// Hydra's admin API (https://www.ory.sh/docs/hydra/reference/api): OAuth 2.0 clients, trusted JWT grant issuers,
// login/consent/logout requests and consent sessions, token introspection and deletion. Errors are fosite's
// RFC 6749 shape (`errorOAuth2`), as Hydra writes them on its admin port too.

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Hydra's x.ErrConflict (x/errors.go). */
function conflict (hint: string): OAuth2Error {
  return new OAuth2Error(409, 'Conflict', 'Unable to process the requested resource because of conflict in the current state', hint)
}

/** The admin-side errors as fosite writes them: `{ error, error_description }`, a 410 of a handled challenge `{ redirect_to }`. */
export function hydraAdminErrors (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | OAuth2Error | GoneError | OryHttpError, request, reply) => {
    if (err instanceof GoneError) return reply.code(410).send({ redirect_to: err.redirectTo })
    let oauth2: OAuth2Error
    if (err instanceof OAuth2Error) {
      oauth2 = err
    } else if (err instanceof OryHttpError) {
      // The API key check and the JSON Patch code speak Kratos' shape; Hydra's admin port answers in fosite's.
      oauth2 = err.status === 401 ? oauth2Errors.requestUnauthorized(err.message) : new OAuth2Error(err.status, 'invalid_request', err.message)
    } else {
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
      if (status === 500) request.log.error({ err }, 'emulator error')
      oauth2 = status === 500
        ? new OAuth2Error(500, 'server_error', 'The authorization server encountered an unexpected condition that prevented it from fulfilling the request.')
        : oauth2Errors.invalidRequest(err.message)
    }
    return reply.code(oauth2.status).type('application/json; charset=utf-8').send(oauth2.body())
  })
}

export async function oauth2AdminRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  const oauth2 = ctx.oauth2
  const challenges = oauth2.challenges
  app.addHook('onRequest', requireApiKey(ctx))
  hydraAdminErrors(app)

  const find = (id: string): StoredOAuth2Client => {
    const client = oauth2.clients.get(id)
    if (client === undefined) throw notFound('The requested OAuth 2.0 Client could not be found.')
    return client
  }

  // --- OAuth 2.0 clients (client/handler.go) ---

  app.post('/admin/clients', async (request, reply) => {
    const { client } = clientFromBody(request.body, { now: ctx.now() })
    if (oauth2.clients.has(client.client_id)) throw conflict('An OAuth 2.0 Client with this ID exists already.')
    oauth2.clients.set(client.client_id, client)
    // The only time Hydra shows the secret: "It is not possible to retrieve it later on."
    return reply.code(201).send(clientJson(client, { secret: true }))
  })

  app.get('/admin/clients', async (request, reply) => {
    const name = queryString(request, 'client_name')
    const owner = queryString(request, 'owner')
    const clients = [...oauth2.clients.values()].filter(c =>
      (name === undefined || name === '' || c.fields.client_name === name) && (owner === undefined || owner === '' || c.fields.owner === owner))
    // "As a default it lists the first 100 clients"; Hydra caps page_size at 500.
    return reply.send(paginate(request, reply, clients, 100, 500).map(c => clientJson(c)))
  })

  app.get<{ Params: { id: string } }>('/admin/clients/:id', async (request, reply) => reply.send(clientJson(find(request.params.id))))

  app.put<{ Params: { id: string } }>('/admin/clients/:id', async (request, reply) => {
    const previous = find(request.params.id)
    const { client, secretSet } = clientFromBody(request.body, { id: previous.client_id, previous, now: ctx.now() })
    oauth2.clients.set(client.client_id, client)
    return reply.send(clientJson(client, { secret: secretSet }))
  })

  app.patch<{ Params: { id: string } }>('/admin/clients/:id', async (request, reply) => {
    const previous = find(request.params.id)
    if (!Array.isArray(request.body)) throw oauth2Errors.invalidRequest('The request body must be a JSON Patch document (an array).')
    const doc = clientDocument(previous)
    const patchable = Object.keys(doc).filter(name => !['client_id', 'created_at', 'updated_at', 'client_secret_expires_at'].includes(name))
    applyJsonPatch(doc, request.body as JsonPatch[], [...patchable, 'jwks', 'jwks_uri'])
    const changedSecret = doc.client_secret !== previous.client_secret
    const { client } = clientFromBody(doc, { id: previous.client_id, previous, now: ctx.now() })
    oauth2.clients.set(client.client_id, client)
    return reply.send(clientJson(client, { secret: changedSecret }))
  })

  app.delete<{ Params: { id: string } }>('/admin/clients/:id', async (request, reply) => {
    find(request.params.id)
    oauth2.deleteClient(request.params.id)
    return reply.code(204).send()
  })

  app.put<{ Params: { id: string } }>('/admin/clients/:id/lifespans', async (request, reply) => {
    const client = find(request.params.id)
    Object.assign(client.fields, lifespans(request.body))
    client.updatedAt = ctx.now()
    return reply.send(clientJson(client))
  })

  // --- Trusted JWT grant issuers (trust/handler.go, trust/validator.go) ---

  const issuerJson = (issuer: TrustedIssuer): TrustedOAuth2JwtGrantIssuer => ({
    id: issuer.id,
    issuer: issuer.issuer,
    subject: issuer.subject,
    allow_any_subject: issuer.allowAnySubject,
    scope: issuer.scope,
    public_key: { set: issuer.issuer, kid: issuer.kid },
    created_at: iso(issuer.createdAt),
    expires_at: iso(issuer.expiresAt)
  })

  app.post('/admin/trust/grants/jwt-bearer/issuers', async (request, reply) => {
    const body = request.body
    if (!isObject(body)) throw oauth2Errors.invalidRequest('The request body must be a JSON object.')
    const issuer = typeof body.issuer === 'string' ? body.issuer : ''
    const subject = typeof body.subject === 'string' ? body.subject : ''
    const allowAnySubject = body.allow_any_subject === true
    if (issuer === '') throw oauth2Errors.invalidRequest('Field \'issuer\' is required.')
    if (subject === '' && !allowAnySubject) throw oauth2Errors.invalidRequest('One of \'subject\' or \'allow_any_subject\' field must be set.')
    if (subject !== '' && allowAnySubject) throw oauth2Errors.invalidRequest('Both \'subject\' and \'allow_any_subject\' fields cannot be set at the same time.')
    const expiresAt = typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : Number.NaN
    if (Number.isNaN(expiresAt)) throw oauth2Errors.invalidRequest('Field \'expires_at\' is required.')
    if (expiresAt <= ctx.now()) throw oauth2Errors.invalidRequest('Field \'expires_at\' must not be in the past.')
    if (!isObject(body.jwk)) throw oauth2Errors.invalidRequest('Field \'jwk\' is required.')
    const problem = invalidJwk(body.jwk)
    if (problem !== undefined) throw oauth2Errors.invalidRequest(problem)
    const jwk = body.jwk as JsonWebKey
    if (jwk.kty === 'oct' || jwk.d !== undefined) throw oauth2Errors.invalidRequest('Field \'jwk\' must contain JWK public key.')
    if (!Array.isArray(body.scope) || !body.scope.every(s => typeof s === 'string')) throw oauth2Errors.invalidRequest('Field \'scope\' must be an array of strings.')
    for (const other of oauth2.trustedIssuers.values()) {
      if (other.issuer === issuer && other.subject === subject && other.kid === jwk.kid) throw conflict('This issuer, subject and key are already trusted.')
    }
    const trusted: TrustedIssuer = {
      id: randomUUID(),
      issuer,
      subject,
      allowAnySubject,
      scope: body.scope as string[],
      kid: jwk.kid,
      createdAt: ctx.now(),
      expiresAt
    }
    // Hydra keeps the issuer's key in a JWK set named after the issuer.
    oauth2.keySets.add(issuer, [publicJwk(jwk)!])
    oauth2.trustedIssuers.set(trusted.id, trusted)
    return reply.code(201).send(issuerJson(trusted))
  })

  app.get('/admin/trust/grants/jwt-bearer/issuers', async (request, reply) => {
    const issuer = queryString(request, 'issuer')
    const all = [...oauth2.trustedIssuers.values()].filter(i => issuer === undefined || issuer === '' || i.issuer === issuer)
    return reply.send(paginate(request, reply, all, 100, 500).map(issuerJson))
  })

  const findIssuer = (id: string): TrustedIssuer => {
    const issuer = oauth2.trustedIssuers.get(id)
    if (issuer === undefined) throw notFound('The trusted JWT grant issuer could not be found.')
    return issuer
  }

  app.get<{ Params: { id: string } }>('/admin/trust/grants/jwt-bearer/issuers/:id', async (request, reply) => reply.send(issuerJson(findIssuer(request.params.id))))

  app.delete<{ Params: { id: string } }>('/admin/trust/grants/jwt-bearer/issuers/:id', async (request, reply) => {
    const issuer = findIssuer(request.params.id)
    oauth2.trustedIssuers.delete(issuer.id)
    oauth2.keySets.deleteKey(issuer.issuer, issuer.kid)
    return reply.code(204).send()
  })

  // --- Login, consent and logout requests (consent/handler.go) ---

  const bodyOf = (request: FastifyRequest): Record<string, unknown> => isObject(request.body) ? request.body : {}
  const redirect = (reply: FastifyReply, to: string): FastifyReply => reply.send({ redirect_to: to })

  app.get('/admin/oauth2/auth/requests/login', async (request, reply) =>
    reply.send(challenges.loginJson(challenges.login(queryString(request, 'login_challenge')))))
  app.put('/admin/oauth2/auth/requests/login/accept', async (request, reply) =>
    redirect(reply, challenges.acceptLogin(challenges.login(queryString(request, 'login_challenge')), bodyOf(request))))
  app.put('/admin/oauth2/auth/requests/login/reject', async (request, reply) =>
    redirect(reply, challenges.rejectLogin(challenges.login(queryString(request, 'login_challenge')), bodyOf(request))))

  app.get('/admin/oauth2/auth/requests/consent', async (request, reply) =>
    reply.send(challenges.consentJson(challenges.consent(queryString(request, 'consent_challenge')))))
  app.put('/admin/oauth2/auth/requests/consent/accept', async (request, reply) =>
    redirect(reply, challenges.acceptConsent(challenges.consent(queryString(request, 'consent_challenge')), bodyOf(request))))
  app.put('/admin/oauth2/auth/requests/consent/reject', async (request, reply) =>
    redirect(reply, challenges.rejectConsent(challenges.consent(queryString(request, 'consent_challenge')), bodyOf(request))))

  app.get('/admin/oauth2/auth/requests/logout', async (request, reply) =>
    reply.send(challenges.logoutJson(challenges.logout(queryString(request, 'logout_challenge')))))
  app.put('/admin/oauth2/auth/requests/logout/accept', async (request, reply) => {
    const logout = challenges.logout(queryString(request, 'logout_challenge'))
    logout.accepted = true
    return redirect(reply, challenges.logoutRedirect(logout))
  })
  app.put('/admin/oauth2/auth/requests/logout/reject', async (request, reply) => {
    const logout = challenges.logout(queryString(request, 'logout_challenge'))
    logout.accepted = false
    return reply.code(204).send()
  })

  // The device flow is not emulated (no device requests exist), so every device challenge is unknown.
  app.put('/admin/oauth2/auth/requests/device/accept', async () => { throw notFound('The device request could not be found.') })

  // --- Consent and login sessions ---

  app.get('/admin/oauth2/auth/sessions/consent', async (request, reply) => {
    const subject = queryString(request, 'subject')
    if (subject === undefined || subject === '') throw oauth2Errors.invalidRequest('Query parameter \'subject\' is not defined but should have been.')
    const sessions = challenges.sessionsOf(subject, queryString(request, 'login_session_id'))
    return reply.send(paginate(request, reply, sessions, 250, 500).map(c => challenges.sessionJson(c)))
  })

  app.delete('/admin/oauth2/auth/sessions/consent', async (request, reply) => {
    const subject = queryString(request, 'subject')
    const client = queryString(request, 'client')
    const all = queryString(request, 'all') === 'true'
    if (subject === undefined || subject === '') throw oauth2Errors.invalidRequest('Query parameter \'subject\' is not defined but should have been.')
    if ((client === undefined || client === '') && !all) throw oauth2Errors.invalidRequest('Query parameter \'client\' is not defined but should have been.')
    challenges.revokeConsents(subject, all ? undefined : client)
    return reply.code(204).send()
  })

  app.delete('/admin/oauth2/auth/sessions/login', async (request, reply) => {
    const subject = queryString(request, 'subject')
    const sid = queryString(request, 'sid')
    if ((subject === undefined || subject === '') && (sid === undefined || sid === '')) {
      throw oauth2Errors.invalidRequest('Either \'subject\' or \'sid\' query parameters need to be defined.')
    }
    // The emulator's login sessions are Kratos sessions: revoking them signs the browser out (as with Ory Network,
    // where Ory is the login provider). Only a revocation by `sid` notifies the clients (back-channel logout).
    if (sid !== undefined && sid !== '') {
      const session = ctx.state.sessions.get(sid)
      if (session !== undefined) session.active = false
      oauth2.backchannelLogout({ sid }).catch((err: unknown) => request.log.error({ err }, 'back-channel logout failed'))
    } else {
      for (const session of ctx.state.sessionsOf(subject!)) session.active = false
    }
    return reply.code(204).send()
  })

  // --- Tokens ---

  app.post('/admin/oauth2/introspect', async (request, reply) => {
    const body = (isObject(request.body) ? request.body : {}) as Record<string, string | string[] | undefined>
    const token = typeof body.token === 'string' ? body.token : ''
    if (token === '') throw oauth2Errors.invalidRequest('The POST body can not be empty.')
    const wanted = (typeof body.scope === 'string' ? body.scope : '').split(' ').filter(s => s !== '')
    const access = oauth2.accessTokens.get(token)
    const refresh = access === undefined ? oauth2.refreshTokens.get(token) : undefined
    const stored: StoredToken | undefined = access ?? refresh
    const family = stored === undefined ? undefined : oauth2.families.get(stored.familyId)
    const inactive: IntrospectedOAuth2Token = { active: false }
    // fosite's WriteIntrospectionError: anything but a malformed request is just "not active".
    if (stored === undefined || family === undefined || stored.revoked || family.revoked || stored.expiresAt <= ctx.now() ||
      (refresh !== undefined && refresh.rotated) || wanted.some(s => !family.scopes.includes(s))) {
      return reply.send(inactive)
    }
    const consent = family.consentId === undefined ? undefined : [...challenges.consents.values()].find(c => c.consentRequestId === family.consentId)
    const ext = consent?.session?.access_token
    const answer: IntrospectedOAuth2Token = {
      active: true,
      scope: family.scopes.join(' '),
      client_id: family.clientId,
      sub: family.subject,
      exp: Math.floor(stored.expiresAt / 1000),
      iat: Math.floor(stored.issuedAt / 1000),
      nbf: Math.floor(stored.issuedAt / 1000),
      aud: consent?.grantAudience ?? [],
      iss: oauth2.issuer,
      token_type: 'Bearer',
      token_use: access !== undefined ? 'access_token' : 'refresh_token',
      ...(isObject(ext) ? { ext } : {})
    }
    return reply.send(answer)
  })

  app.delete('/admin/oauth2/tokens', async (request, reply) => {
    const clientId = queryString(request, 'client_id')
    if (clientId === undefined || clientId === '') throw oauth2Errors.invalidRequest('Query parameter \'client_id\' is not defined but it should have been.')
    // Hydra's DeleteAccessTokens: the client's access tokens go; its refresh tokens stay (they can mint new ones).
    for (const token of oauth2.accessTokens.values()) {
      if (oauth2.families.get(token.familyId)?.clientId === clientId) token.revoked = true
    }
    return reply.code(204).send()
  })
}
