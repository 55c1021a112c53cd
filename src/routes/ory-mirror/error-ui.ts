import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { OryErrorBody } from '../../errors.js'
import type { FlowErrorStore } from '../../mirror/error-store.js'
import { isBrowserNavigation } from '../../mirror/navigation.js'
import { describeError, sendError } from '../../plugins/errors.js'
import type { MirrorHandler } from './context.js'

// A browser that navigated to a mirror URL the BFF refuses (a link with a forbidden return_to, a form that is too
// deep) would show raw JSON. As Kratos does for its own flow errors (selfservice/errorx/manager.go `Manager.Forward`),
// the error is stored and the browser sent to the error UI with its id; the UI reads it from
// `<prefix>/self-service/errors?id=`, answered from the store (selfservice/errorx/handler.go `fetchError`) for the ids
// made here and by Ory for any other. Scripts (see src/mirror/navigation.ts) keep the JSON error.

/**
 * The refusals of a request's own content: a forbidden return_to, an invalid query or body (400), a body too large
 * (413) or of a media type the endpoint does not take (415). A 404 (no such path) is JSON as Kratos's router answers
 * it; failures of Ory or of the BFF (5xx) and Ory's own errors are not refusals.
 */
const REFUSALS: ReadonlySet<number> = new Set([400, 413, 415])

/** The mirror's error handler: refusals of browser navigations go to the error UI, all else as the app answers it. */
export function errorUiHandler (errors: FlowErrorStore, errorUiUrl: string): (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return function answerMirrorError (err, request, reply) {
    if (!isBrowserNavigation(request.headers)) return sendError(err, request, reply)
    const answer = describeError(err, request.id)
    if (answer.passthrough === true || !REFUSALS.has(answer.status)) return sendError(err, request, reply)
    // The body a JSON caller gets, without its wrapper, as Kratos stores a herodot error: the request id, the message
    // and a reason that quotes at most a shortened return_to (shownReturnTo); never a header, cookie or body.
    const id = errors.add((answer.body as OryErrorBody).error as unknown as Record<string, unknown>)
    const location = new URL(errorUiUrl)
    location.searchParams.set('id', id)
    request.log.debug({ status: answer.status, reason: answer.log.reason, errorId: id }, 'request refused, browser sent to the error UI')
    return reply.code(303).header('location', location.href).header('cache-control', 'no-store').send()
  }
}

/** `getFlowError`: an id of the store is answered from it as Kratos's flowError; any other is Ory's. */
export function flowErrorHandler (errors: FlowErrorStore, viaOry: MirrorHandler): MirrorHandler {
  return async function mirrorFlowError (request, reply) {
    const id = (request.query as Record<string, string | undefined>).id
    const stored = id === undefined ? undefined : errors.get(id)
    if (stored === undefined) return await viaOry(request, reply)
    return await reply.code(200).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(stored)
  }
}
