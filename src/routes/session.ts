import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { HttpError } from '../errors.js'
import { oryCookieHeader } from '../http/cookies.js'
import { upstreamHeaders } from '../http/headers.js'
import { frontend, nextPageToken, OryUpstreamError } from '../ory/index.js'
import { requireSession } from '../plugins/session.js'
import type { Session } from '../schemas/index.js'
import type { SessionCredentials } from '../session/key.js'
import { revokedSessionsRef, sessionDevicesRef, spaSessionRef, type SessionDevicesBody, type SpaSessionBody } from './session-schemas.js'
import { typeBoxValidatorCompiler } from './validation.js'

// The session API for the SPA, under /api/session: who is signed in (from the session checker's cache), the user's
// sessions and devices, revoking them, and a logout in one call. Every route asks Ory with the browser's session
// credentials only, through the typed client.

export interface SessionRoutesOptions {
  config: Config
}

const AAL_LEVELS: Record<string, number> = { aal0: 0, aal1: 1, aal2: 2, aal3: 3 }
// Ory's session ids are UUIDs; anything else never reaches Ory.
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

const SessionQuery = Type.Object({
  aal: Type.Optional(Type.Union([Type.Literal('aal1'), Type.Literal('aal2'), Type.Literal('aal3')], {
    description: 'The assurance level the caller needs: a weaker session is a 403 session_aal2_required.'
  }))
}, { additionalProperties: false })

const DevicesQuery = Type.Object({
  page_size: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: 'Sessions per page, 1 to 1000.' })),
  page_token: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._~=+/-]{1,512}$', description: 'next_page_token of the previous page.' }))
}, { additionalProperties: false })

const DeviceParams = Type.Object({ id: Type.String({ pattern: UUID, description: 'The session\'s id.' }) })

function spaSession (session: Session): SpaSessionBody {
  const identity = session.identity
  return {
    active: session.active === true,
    identity: {
      id: identity?.id ?? '',
      schema_id: identity?.schema_id ?? '',
      traits: identity?.traits ?? null,
      verifiable_addresses: identity?.verifiable_addresses ?? [],
      metadata_public: identity?.metadata_public ?? null
    },
    ...(session.authenticator_assurance_level === undefined ? {} : { authenticator_assurance_level: session.authenticator_assurance_level }),
    authentication_methods: session.authentication_methods ?? [],
    ...(session.expires_at === undefined ? {} : { expires_at: session.expires_at }),
    ...(session.authenticated_at === undefined ? {} : { authenticated_at: session.authenticated_at })
  }
}

function deviceSession (session: Session, current: boolean): SessionDevicesBody['sessions'][number] {
  return {
    id: session.id,
    current,
    active: session.active === true,
    ...(session.authenticator_assurance_level === undefined ? {} : { authenticator_assurance_level: session.authenticator_assurance_level }),
    authentication_methods: session.authentication_methods ?? [],
    ...(session.authenticated_at === undefined ? {} : { authenticated_at: session.authenticated_at }),
    ...(session.expires_at === undefined ? {} : { expires_at: session.expires_at }),
    ...(session.issued_at === undefined ? {} : { issued_at: session.issued_at }),
    devices: (session.devices ?? []).map(device => ({
      id: device.id,
      ...(device.ip_address === undefined ? {} : { ip_address: device.ip_address }),
      ...(device.user_agent === undefined ? {} : { user_agent: device.user_agent }),
      ...(device.location === undefined ? {} : { location: device.location })
    }))
  }
}

export const sessionRoutes: FastifyPluginAsyncTypebox<SessionRoutesOptions> = async function sessionRoutes (app, { config }) {
  app.setValidatorCompiler(typeBoxValidatorCompiler(app.checks))
  const sessions = app.sessions
  const headerOptions = config.oryHeaderOptions
  const aal2Url = `${config.publicOryUrl}/self-service/login/browser?aal=aal2`

  /** What every call to Ory for the SPA carries: the session credentials, and Ory's headers the mirror sends too. */
  function sessionHeaders (request: FastifyRequest, credentials: SessionCredentials | undefined): Record<string, string> {
    const headers = upstreamHeaders(request.headers, request.ip, headerOptions, { sessionToken: true, authorization: false })
    headers.accept = 'application/json'
    delete headers.cookie
    delete headers['x-session-token']
    if (credentials?.cookie !== undefined) headers.cookie = credentials.cookie
    if (credentials?.token !== undefined) headers['x-session-token'] = credentials.token
    return headers
  }

  app.get('/', {
    schema: {
      summary: 'The signed-in user\'s session',
      description: 'From Ory\'s whoami, cached for at most SESSION_CACHE_TTL_MS and never past expires_at. 401 session_inactive without a session; with ?aal=aal2, 403 session_aal2_required when the session is weaker.',
      tags: ['session'],
      querystring: SessionQuery,
      response: { 200: spaSessionRef }
    },
    preHandler: requireSession
  }, async function currentSession (request, reply) {
    const session = request.session!
    const wanted = request.query.aal
    if (wanted !== undefined && (AAL_LEVELS[session.authenticator_assurance_level ?? 'aal0'] ?? 0) < AAL_LEVELS[wanted]!) {
      // Kratos's ErrAALNotSatisfied, with where to step up.
      const body = new HttpError(403, 'Session does not fulfill the requested Authenticator Assurance Level', {
        id: 'session_aal2_required',
        reason: 'An active session was found but it does not fulfill the requested Authenticator Assurance Level. Please verify yourself using the second factor to resolve this issue.',
        details: { redirect_browser_to: aal2Url }
      }).toOryError(request.id)
      // Sent as built: Kratos puts redirect_browser_to next to `error`, outside the generic shape.
      return await (reply as FastifyReply).code(403).type('application/json; charset=utf-8').serializer(JSON.stringify).send({ ...body, redirect_browser_to: aal2Url })
    }
    // Made per request: the cache keeps Ory's bytes only (one copy per session), and the session was parsed from them.
    const text = JSON.stringify(spaSession(session))
    return await reply.type('application/json; charset=utf-8').serializer(identity).send(text as unknown as SpaSessionBody)
  })

  app.get('/devices', {
    schema: {
      summary: 'The user\'s sessions and their devices',
      description: 'The current session first (on the first page), then the user\'s other active sessions as Ory lists them (GET /sessions).',
      tags: ['session'],
      querystring: DevicesQuery,
      response: { 200: sessionDevicesRef }
    },
    preHandler: requireSession
  }, async function listDevices (request) {
    const { page_size: pageSize, page_token: pageToken } = request.query
    const result = await frontend.listMySessions(request.ory, {
      ...(pageSize === undefined ? {} : { page_size: Number(pageSize) }),
      ...(pageToken === undefined ? {} : { page_token: pageToken })
    }, { headers: sessionHeaders(request, sessions.credentials(request.headers)) })
    const current = request.session!
    const others = result.body.filter(other => other.id !== current.id).map(other => deviceSession(other, false))
    const next = nextPageToken(result)
    return {
      sessions: pageToken === undefined ? [deviceSession(current, true), ...others] : others,
      ...(next === undefined ? {} : { next_page_token: next })
    }
  })

  app.delete('/devices/:id', {
    schema: {
      summary: 'Revoke one of the user\'s other sessions',
      description: 'Ory\'s DELETE /sessions/{id}; the session is evicted from the cache at once. The current session is ended with POST /api/session/logout instead (Ory answers 400).',
      tags: ['session'],
      params: DeviceParams,
      response: { 204: Type.Null({ description: 'Revoked.' }) }
    },
    preHandler: requireSession
  }, async function revokeDevice (request, reply) {
    const { id } = request.params
    await frontend.disableMySession(request.ory, { id }, { headers: sessionHeaders(request, sessions.credentials(request.headers)) })
    // Once Ory has revoked it. Kratos answers 204 for any id (it revokes only the caller's own sessions, and says
    // nothing when the id is someone else's), so only the caller's own entries of that id go.
    const owner = request.session!.identity?.id
    if (owner !== undefined) await sessions.evictSession(id, owner)
    return await reply.code(204).send(null)
  })

  app.delete('/devices', {
    schema: {
      summary: 'Revoke all of the user\'s sessions but the current one',
      description: 'Ory\'s DELETE /sessions; every other session of the user is evicted from the cache at once.',
      tags: ['session'],
      response: { 200: revokedSessionsRef }
    },
    preHandler: requireSession
  }, async function revokeOtherDevices (request) {
    const credentials = sessions.credentials(request.headers)
    const identityId = request.session!.identity?.id
    const result = await frontend.disableMyOtherSessions(request.ory, {}, { headers: sessionHeaders(request, credentials) })
    if (identityId !== undefined) await sessions.evictIdentity(identityId, credentials?.key)
    return { count: result.body.count ?? 0 }
  })

  app.post('/logout', {
    schema: {
      summary: 'Log out in one call',
      description: 'Creates Ory\'s browser logout flow and performs it; the session cookies are cleared and the session is evicted from the cache. 204 also when there was no session.',
      tags: ['session'],
      response: { 204: Type.Null({ description: 'Logged out.' }) }
    }
  }, async function logout (request, reply) {
    const credentials = sessions.credentials(request.headers)
    let setCookies: string[] = []
    if (credentials !== undefined) {
      // Which session ends, so that all its keys are evicted (Ory re-issues a session's cookie with another value).
      const sessionId = (await sessions.peek(credentials.key))?.sessionId
      const headers = upstreamHeaders(request.headers, request.ip, headerOptions, { sessionToken: false, authorization: false })
      headers.accept = 'application/json'
      let ended = true
      try {
        if (credentials.cookie !== undefined) {
          const flow = await frontend.createBrowserLogoutFlow(request.ory, {}, { headers })
          const done = await frontend.updateLogoutFlow(request.ory, { token: flow.body.logout_token }, { headers })
          setCookies = (done.headers['set-cookie'] as string[] | undefined) ?? []
        } else if (credentials.token !== undefined) {
          await frontend.performNativeLogout(request.ory, { body: { session_token: credentials.token } }, { headers })
        }
      } catch (err) {
        // Ory's 401 (or 403 for an unknown session token): there was no session to end, which is what the caller wants.
        if (!(err instanceof OryUpstreamError && (err.status === 401 || (err.status === 403 && credentials.cookie === undefined)))) throw err
        ended = false
      }
      // Evicted only once Ory has answered for these credentials: ended, or no session (then a cached answer for this
      // key is stale). The key's session goes as a whole only when Ory ended it. A failure evicts nothing.
      await sessions.evictKey(credentials.key)
      if (ended && sessionId !== undefined) await sessions.evictSession(sessionId)
    }
    clearCookies(request, reply, setCookies)
    return await reply.code(204).send(null)
  })

  /** Ory's Set-Cookie lines rewritten for this origin, and every session cookie the browser sent that Ory did not clear. */
  function clearCookies (request: FastifyRequest, reply: FastifyReply, lines: string[]): void {
    const all = [...lines]
    const named = new Set(lines.map(line => line.slice(0, line.indexOf('=')).trim()))
    const sent = oryCookieHeader(request.headers.cookie, sessions.isSessionCookie)
    for (const pair of sent === undefined ? [] : sent.split('; ')) {
      const name = pair.slice(0, pair.indexOf('='))
      if (named.has(name)) continue
      named.add(name)
      all.push(`${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax`)
    }
    if (all.length > 0) reply.header('set-cookie', config.cookieRewriter.rewrite(all, request))
  }
}

function identity (payload: unknown): string {
  return payload as string
}
