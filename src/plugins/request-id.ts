import { randomInt, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const REQUEST_ID_HEADER = 'x-request-id'

// Ids from load balancers, tracing headers and UUIDs fit; anything else could forge log lines or smuggle markup.
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/

// A fresh id is this process's random prefix (the first 24 characters of a version 4 UUID: 90 random bits, so that
// replicas never share one) followed by a counter in the UUID's last 12 hex digits, starting at a random point:
// unique within the process for 2^48 requests, the shape of a UUID, and a few string operations instead of
// randomUUID()'s sixteen byte-to-hex steps on every request that brings no id of its own.
const PREFIX = randomUUID().slice(0, 24)
const COUNTER_SPAN = 2 ** 48
let counter = randomInt(2 ** 47)

/** The id of a request that brings none (or an answer Node's HTTP parser gave before there was a request). */
export function freshRequestId (): string {
  counter = counter + 1 === COUNTER_SPAN ? 0 : counter + 1
  return PREFIX + counter.toString(16).padStart(12, '0')
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
