import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { BffError, ErrorCodes, HttpError, INVALID_INPUT_MESSAGE, statusText } from '../errors.js'
import { OryBffError, OryUpstreamError } from '../ory/errors.js'
import { OryErrorResponse } from '../schemas/bff.js'

// Ory's own wording for its generic errors.
const MESSAGES: Record<number, string> = {
  400: INVALID_INPUT_MESSAGE,
  404: 'The requested resource could not be found',
  413: 'The request body is too large',
  415: 'The request body has a media type this endpoint does not accept',
  500: 'An internal server error occurred, please contact the system administrator'
}

interface ErrorReply {
  status: number
  body: unknown
  /** Ory's own body, passed through as it came: not serialized with the route's schema. */
  passthrough?: boolean
  headers?: Record<string, string>
  /**
   * What to log, never the request's data: a JSON parse error, for one, quotes the body it failed on. Refusals are
   * debug lines (the access log already has their status; a flood of them must not flood the log); failures of the
   * BFF or of Ory are errors with their cause.
   */
  log: { level: 'debug' | 'warn' | 'error', err?: unknown, reason?: string }
}

function describe (err: FastifyError | Error, requestId: string): ErrorReply {
  if (err instanceof HttpError) {
    return {
      status: err.statusCode,
      body: err.toOryError(requestId),
      headers: err.headers,
      log: { level: 'debug', reason: err.reason ?? err.message }
    }
  }
  if (err instanceof OryUpstreamError) {
    // Ory's own answers (its error shape, OAuth2 errors, flows) pass through untouched: the SPA knows them.
    if (err.body !== null && typeof err.body === 'object') {
      return { status: err.status, body: err.body, passthrough: true, log: { level: err.status >= 500 ? 'warn' : 'debug', reason: err.message } }
    }
    const body = new BffError(ErrorCodes.UPSTREAM_STATUS, 502, `Ory answered ${err.operationId ?? 'a call'} with status ${err.status}`, {
      id: 'upstream_status',
      reason: 'The upstream service answered with an unexpected status.'
    }).toOryError(requestId)
    return { status: 502, body, log: { level: 'error', err } }
  }
  if (err instanceof BffError) {
    const body = err.toOryError(requestId)
    // The undici message names the upstream's address; the SPA needs to know what failed, not where it lives.
    if (err instanceof OryBffError && err.code === ErrorCodes.UPSTREAM_UNAVAILABLE) body.error.message = `Ory could not be reached for ${err.operationId ?? 'a call'}`
    return { status: err.statusCode, body, log: { level: err.statusCode >= 500 ? 'error' : 'debug', err } }
  }

  const statusCode = (err as FastifyError).statusCode
  const code = (err as FastifyError).code
  if ((err as FastifyError).validation !== undefined) {
    return {
      status: 400,
      body: new HttpError(400, MESSAGES[400]!, { reason: err.message }).toOryError(requestId),
      log: { level: 'debug', reason: err.message }
    }
  }
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (statusCode === 400 && err instanceof SyntaxError)) {
    const reason = 'The request body is not valid JSON.'
    return { status: 400, body: new HttpError(400, MESSAGES[400]!, { reason }).toOryError(requestId), log: { level: 'debug', reason } }
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    // Fastify's client errors (body too large, media type, empty JSON body …) carry messages fit for the client.
    const reason = err.message
    return {
      status: statusCode,
      body: new HttpError(statusCode, MESSAGES[statusCode] ?? statusText(statusCode), { reason }).toOryError(requestId),
      log: { level: 'debug', reason: typeof code === 'string' ? code : statusText(statusCode) }
    }
  }
  return { status: 500, body: new BffError(ErrorCodes.INTERNAL, 500, MESSAGES[500]!).toOryError(requestId), log: { level: 'error', err } }
}

/** Sends an error in Ory's shape; the one place where errors become answers. */
export function sendError (err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body, headers, passthrough, log } = describe(err, request.id)
  if (log.err !== undefined) {
    request.log[log.level]({ err: log.err, status }, 'request failed')
  } else {
    request.log[log.level]({ status, reason: log.reason }, 'request refused')
  }
  reply.code(status).type('application/json; charset=utf-8')
  if (headers !== undefined) reply.headers(headers)
  if (passthrough === true) reply.serializer(JSON.stringify)
  return reply.send(body)
}

/** Every error and every unknown route answered in Ory's generic error shape; never a stack trace. */
export const errorsPlugin = fp(async function errors (app: FastifyInstance) {
  app.addSchema(OryErrorResponse)
  app.setErrorHandler(function handleError (err: FastifyError, request, reply) {
    return sendError(err, request, reply)
  })
  app.setNotFoundHandler(function notFound (request, reply) {
    return reply.code(404).type('application/json; charset=utf-8').send(new HttpError(404, MESSAGES[404]!).toOryError(request.id))
  })
}, { name: 'errors', fastify: '5.x' })
