import type { FastifyInstance } from 'fastify'
import type { LogoutFlow } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { checkReturnTo, forwardError, rotateCsrfCookie } from '../flows.js'
import { errors, normaliseBody, OryHttpError, queryString, seeOther, stringField, wantsJson } from '../http.js'
import { clearSessionCookie, sessionFromRequest } from '../sessions.js'

// Logout (https://www.ory.sh/docs/kratos/self-service/flows/user-logout): browsers ask for a logout URL carrying the
// session's logout token and open it; native apps revoke their session token.

export async function logoutRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  // selfservice/flow/logout/handler.go `createBrowserLogoutFlow`: the session as `FetchFromRequest` finds it; its
  // errors go through the error manager (`errorx.Forward`), so a browser is sent to the error page.
  app.get('/self-service/logout/browser', async (request, reply) => {
    try {
      const session = sessionFromRequest(ctx, request)
      if (session === undefined) throw errors.sessionInactive()
      const returnTo = checkReturnTo(ctx, queryString(request, 'return_to'))
      const flow: LogoutFlow = {
        logout_token: session.logoutToken,
        logout_url: ctx.url('/self-service/logout', { token: session.logoutToken, return_to: returnTo })
      }
      return reply.send(flow)
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err)
      throw err
    }
  })

  app.get('/self-service/logout', async (request, reply) => {
    try {
      const token = queryString(request, 'token')
      if (token === undefined || token === '') throw errors.badRequest('Please include a token in the URL query.')
      const returnTo = checkReturnTo(ctx, queryString(request, 'return_to')) ?? ctx.ui('defaultReturn')
      const session = sessionFromRequest(ctx, request, { token: false })
      // selfservice/flow/logout/handler.go `updateLogoutFlow`: the session is required (FetchFromRequest's error is
      // forwarded), so the logout token alone ends nothing.
      if (session === undefined) throw errors.sessionInactive()
      if (session.logoutToken !== token) {
        throw new OryHttpError(403, { reason: 'Unable to log out because the logout token in the URL query does not match the session cookie.' })
      }
      session.active = false
      clearSessionCookie(ctx, reply)
      // `completeLogout`: a new anti-CSRF token, so one read while signed in is no use afterwards.
      rotateCsrfCookie(ctx, request, reply)
      if (wantsJson(request)) return reply.code(204).send()
      return seeOther(reply, returnTo)
    } catch (err) {
      if (err instanceof OryHttpError) return forwardError(ctx, request, reply, err)
      throw err
    }
  })

  app.delete('/self-service/logout/api', async (request, reply) => {
    const token = stringField(normaliseBody(request.body), 'session_token')
    if (token === undefined || token === '') throw errors.badRequest('The session_token is missing from the request body.')
    const session = ctx.state.sessionByToken(token)
    if (session === undefined) {
      throw new OryHttpError(403, { reason: 'The provided Ory Session Token could not be found, is invalid, or otherwise malformed.' })
    }
    session.active = false
    return reply.code(204).send()
  })
}
