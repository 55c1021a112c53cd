import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { DeleteMySessionsCount } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { errors, OryHttpError, paginate, queryString, queryStrings } from '../http.js'
import { isUsable, sessionFromRequest, sessionJson, type SessionView } from '../sessions.js'
import { TOKENIZER_JWKS_PATH } from '../tokenizer.js'
import { requireApiKey } from './admin-auth.js'

// Sessions (https://www.ory.sh/docs/kratos/session-management/overview): whoami by cookie or session token, a user's
// own other sessions, and the admin API over everyone's.

/** What gofrs/uuid's FromString says about a string that is not a UUID, or undefined for one. */
function uuidProblem (value: string): string | undefined {
  if (![32, 36, 38, 41, 45].includes(value.length)) return `uuid: incorrect UUID length ${value.length} in string ${JSON.stringify(value)}`
  const bare = value.replace(/^urn:uuid:/i, '').replace(/^\{(.*)\}$/, '$1')
  return /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(bare) && (bare.length === 32 || bare.length === 36)
    ? undefined
    : `uuid: incorrect UUID format in string ${JSON.stringify(value)}`
}

function expandView (request: FastifyRequest): SessionView {
  const expand = queryStrings(request, 'expand')
  return { identity: expand.includes('identity'), devices: expand.includes('devices') }
}

export async function publicSessionRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  // listMySessions, deleteMySessions and deleteMySession (session/handler.go) wrap FetchFromRequest's error in
  // herodot's ErrUnauthorized with a reason of their own, and no error id.
  const current = (request: FastifyRequest) => {
    const session = sessionFromRequest(ctx, request)
    if (session === undefined) throw errors.unauthorized('No valid session cookie found.')
    return session
  }

  app.get('/sessions/whoami', async (request, reply) => {
    // Kratos wraps whatever FetchFromRequest failed with (no credentials, an unknown token, an ended or expired
    // session) in one error of its own (session/handler.go, `whoami`).
    const session = sessionFromRequest(ctx, request)
    if (session === undefined) throw errors.noSessionFound()
    const json = sessionJson(ctx, session)
    // Kratos tokenizes after finding the session (session/handler.go, `whoami`): no session is still a 401.
    const template = queryString(request, 'tokenize_as') ?? ''
    if (template !== '') json.tokenized = await ctx.tokenizer.tokenize(template, json, session.identityId, ctx.baseUrl, ctx.now())
    reply.header('x-kratos-authenticated-identity-id', session.identityId)
    return reply.send(json)
  })

  app.get(TOKENIZER_JWKS_PATH, async (_request, reply) => await reply.send(await ctx.tokenizer.jwks()))

  app.get('/sessions', async (request, reply) => {
    const session = current(request)
    const others = ctx.state.sessionsOf(session.identityId).filter(s => s.id !== session.id && isUsable(ctx, s))
    return reply.send(paginate(request, reply, others, 250, 1000).map(s => sessionJson(ctx, s)))
  })

  app.delete('/sessions', async (request, reply) => {
    const session = current(request)
    let count = 0
    for (const other of ctx.state.sessionsOf(session.identityId)) {
      if (other.id === session.id || !other.active) continue
      other.active = false
      count++
    }
    const body: DeleteMySessionsCount = { count }
    return reply.send(body)
  })

  app.delete<{ Params: { id: string } }>('/sessions/:id', async (request, reply) => {
    const session = current(request)
    // session/handler.go `deleteMySession`: herodot errors with `WithError`, so the text is the message, not a reason.
    const problem = uuidProblem(request.params.id)
    if (problem !== undefined) throw new OryHttpError(400, { message: problem })
    if (request.params.id === session.id) throw new OryHttpError(400, { message: 'cannot revoke current session' })
    // RevokeSession (persistence/sql/persister_session.go) is an UPDATE of the identity's active session with that
    // id: matching nothing (unknown, someone else's, already revoked) is no error, and the answer is 204 all the same.
    const other = ctx.state.sessions.get(request.params.id)
    if (other !== undefined && other.identityId === session.identityId) other.active = false
    return reply.code(204).send()
  })
}

export async function adminSessionRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.addHook('onRequest', requireApiKey(ctx))

  app.get('/admin/sessions', async (request, reply) => {
    const active = queryString(request, 'active')
    const sessions = [...ctx.state.sessions.values()].filter(s => active === undefined || (active === 'true') === isUsable(ctx, s))
    const view = expandView(request)
    return reply.send(paginate(request, reply, sessions, 250, 1000).map(s => sessionJson(ctx, s, view)))
  })

  app.get<{ Params: { id: string } }>('/admin/sessions/:id', async (request, reply) => {
    const session = ctx.state.sessions.get(request.params.id)
    if (session === undefined) throw errors.notFound()
    return reply.send(sessionJson(ctx, session, expandView(request)))
  })

  app.delete<{ Params: { id: string } }>('/admin/sessions/:id', async (request, reply) => {
    const session = ctx.state.sessions.get(request.params.id)
    if (session === undefined) throw errors.notFound()
    session.active = false
    return reply.code(204).send()
  })

  app.patch<{ Params: { id: string } }>('/admin/sessions/:id/extend', async (request, reply) => {
    const session = ctx.state.sessions.get(request.params.id)
    if (session === undefined || !isUsable(ctx, session)) throw errors.notFound()
    session.expiresAt = ctx.now() + ctx.sessionLifespanMs
    return reply.send(sessionJson(ctx, session))
  })

  app.get<{ Params: { id: string } }>('/admin/identities/:id/sessions', async (request, reply) => {
    if (!ctx.state.identities.has(request.params.id)) throw errors.notFound()
    const active = queryString(request, 'active')
    const sessions = ctx.state.sessionsOf(request.params.id).filter(s => active === undefined || (active === 'true') === isUsable(ctx, s))
    return reply.send(paginate(request, reply, sessions, 250, 1000).map(s => sessionJson(ctx, s)))
  })

  app.delete<{ Params: { id: string } }>('/admin/identities/:id/sessions', async (request, reply) => {
    if (!ctx.state.identities.has(request.params.id)) throw errors.notFound()
    for (const session of ctx.state.sessionsOf(request.params.id)) ctx.state.sessions.delete(session.id)
    return reply.code(204).send()
  })
}
