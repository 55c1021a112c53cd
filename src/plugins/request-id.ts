import { randomInt, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const REQUEST_ID_HEADER = 'x-request-id'

// Ids from load balancers, tracing headers and UUIDs fit; anything else could forge log lines or smuggle markup.
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/

// A fresh id is this process's random prefix (the first 24 characters of a version 4 UUID: 90 random bits, so that
// replicas never share one) followed by a counter in the UUID's last 12 hex digits, starting at a random point:
// unique within the process for 2^48 requests, the shape of a UUID, and a few table lookups instead of randomUUID()'s
// formatting (or a 48-bit number's toString(16), as slow) on every request that brings no id of its own. The counter
// is two 24-bit halves, small integers for V8.
const PREFIX = randomUUID().slice(0, 24)
const HALF = 0x1000000
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))
let high = randomInt(HALF)
let low = randomInt(HALF)

/** The id of a request that brings none (or an answer Node's HTTP parser gave before there was a request). */
export function freshRequestId (): string {
  if (++low === HALF) {
    low = 0
    high = (high + 1) % HALF
  }
  return PREFIX + HEX[high >>> 16]! + HEX[(high >>> 8) & 255]! + HEX[high & 255]! + HEX[low >>> 16]! + HEX[(low >>> 8) & 255]! + HEX[low & 255]!
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
