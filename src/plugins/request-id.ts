import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const REQUEST_ID_HEADER = 'x-request-id'

// Ids from load balancers, tracing headers and UUIDs fit; anything else could forge log lines or smuggle markup.
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/

/** The id of an answer with no request to take one from (one Node's HTTP parser refused): a fresh UUID. */
export function freshRequestId (): string {
  return randomUUID()
}

/** Fastify's `genReqId`: the caller's `X-Request-Id` when it is sane, otherwise a fresh one. */
export function requestId (req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER]
  return typeof incoming === 'string' && ACCEPTED.test(incoming) ? incoming : freshRequestId()
}

/** Echoes the request id on every answer, errors included, so a user's report can be matched to the logs. */
export const requestIdPlugin = fp(async function requestIdEcho (app: FastifyInstance) {
  app.addHook('onRequest', function echoRequestId (request, reply, done) {
    reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
}, { name: 'request-id', fastify: '5.x' })
