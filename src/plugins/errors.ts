import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { BffError, ErrorCodes, HttpError, INVALID_INPUT_MESSAGE, statusText } from '../errors.js'
import { OryBffError, OryUpstreamError } from '../ory/errors.js'
import { OryErrorResponse } from '../schemas/bff.js'
import { freshRequestId, REQUEST_ID_HEADER } from './request-id.js'
import { securityHeaders, type SecurityHeadersOptions } from './security-headers.js'

// Ory's own wording for its generic errors.
const MESSAGES: Record<number, string> = {
  400: INVALID_INPUT_MESSAGE,
  404: 'The requested resource could not be found',
  413: 'The request body is too large',
  415: 'The request body has a media type this endpoint does not accept',
  500: 'An internal server error occurred, please contact the system administrator'
}

export interface ErrorReply {
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

/** What an error is answered with: its status, its body in Ory's shape (or Ory's own), and how it is logged. */
export function describeError (err: FastifyError | Error, requestId: string): ErrorReply {
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
  const { status, body, headers, passthrough, log } = describeError(err, request.id)
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

// Fastify's own messages for these quote the path; the answer names the problem, never the client's bytes.
const FRAMEWORK_ERRORS: Record<string, () => HttpError> = {
  FST_ERR_BAD_URL: () => new HttpError(400, INVALID_INPUT_MESSAGE, { reason: 'The request\'s path is not validly percent-encoded.' }),
  FST_ERR_MAX_PARAM_LENGTH: () => new HttpError(414, 'The request\'s path is too long', { reason: 'A segment of the request\'s path is over the length allowed.' })
}

/**
 * Fastify's `frameworkErrors`: a request refused before routing (a path that cannot be decoded, say). No hook of
 * the app runs for it, not even onSend's: the request id and the security headers are set here.
 */
export function frameworkErrorHandler (options: SecurityHeadersOptions): (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return function answerFrameworkError (err, request, reply) {
    reply.header(REQUEST_ID_HEADER, request.id).headers(securityHeaders(options, 'application/json'))
    sendError(FRAMEWORK_ERRORS[err.code]?.() ?? new HttpError(400, INVALID_INPUT_MESSAGE, { reason: 'The request could not be routed.' }), request, reply)
  }
}

// What Node's HTTP parser refuses (https://nodejs.org/api/http.html#event-clienterror); anything else is a 400.
const CLIENT_ERRORS: Record<string, () => HttpError> = {
  HPE_HEADER_OVERFLOW: () => new HttpError(431, 'The request\'s headers are too large', { reason: 'The request\'s headers are over the server\'s limit.' }),
  ERR_HTTP_REQUEST_TIMEOUT: () => new HttpError(408, 'The request took too long to arrive', { reason: 'The request was not sent in full within the time allowed (REQUEST_TIMEOUT_MS).' })
}

/**
 * Fastify's `clientErrorHandler`: the answer to bytes Node's HTTP parser refused, or to a request too slow to
 * arrive. There is no request, so no hook runs: the answer is written to the socket here, in Ory's shape, with the
 * security headers and a fresh request id (in the log line too), and the connection closed, as Node does.
 */
export function clientErrorHandler (options: SecurityHeadersOptions): (this: FastifyInstance, err: ConnectionError, socket: Socket) => void {
  return function answerClientError (err, socket) {
    // A reset connection has nobody to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    const error = CLIENT_ERRORS[err.code]?.() ?? new HttpError(400, INVALID_INPUT_MESSAGE, { reason: 'The request is not valid HTTP/1.1.' })
    const id = freshRequestId()
    // The code only: the error carries the raw bytes the parser choked on.
    this.log.debug({ requestId: id, status: error.statusCode, code: err.code }, 'request refused by the HTTP parser')
    // Once an answer has begun on this socket (a body still arriving after it, say), another would corrupt it.
    const answering = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage
    if (socket.writable && answering?.headersSent !== true) {
      const body = JSON.stringify(error.toOryError(id))
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
        [REQUEST_ID_HEADER]: id,
        ...securityHeaders(options, 'application/json')
      }
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
      socket.write(`HTTP/1.1 ${error.statusCode} ${statusText(error.statusCode)}\r\n${head}\r\n${body}`)
    }
    socket.destroy()
  }
}
