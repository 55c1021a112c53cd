import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SessionChecker } from '../../session/checker.js'
import type { SessionCredentials } from '../../session/key.js'
import type { AnswerRoute } from './answer.js'
import type { Mirror, MirrorHandler } from './context.js'

/**
 * Ory's whoami (toSession) through the session checker: one call to Ory per session at a time, positive answers
 * cached briefly (src/session/checker.ts). A request without session credentials, and one that asks for a token
 * (`tokenize_as`: Ory mints one per call), goes to Ory as any other operation does (`viaOry`).
 */
export function whoamiHandler (app: FastifyInstance, sessions: SessionChecker, mirror: Mirror, route: AnswerRoute, viaOry: MirrorHandler): MirrorHandler {
  async function fromChecker (request: FastifyRequest, reply: FastifyReply, credentials: SessionCredentials): Promise<FastifyReply> {
    // The app's client with the request's id (rather than request.ory: no per-request view of the client to make).
    const answer = await sessions.lookup(credentials, app.ory, request.id)
    // With a cache, the checker hands on the browser's form (the one it keeps): nothing is left to rewrite.
    return await mirror.answers.send(request, reply, answer, route, answer.browserForm)
  }

  // Not async: the request goes on to one of the two without another promise in between.
  return function mirrorWhoami (request, reply) {
    const credentials = (request.query as { tokenize_as?: string }).tokenize_as === undefined ? sessions.credentials(request.headers) : undefined
    return credentials === undefined ? viaOry(request, reply) : fromChecker(request, reply, credentials)
  }
}
