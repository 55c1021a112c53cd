import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorCodes, HttpError } from '../errors.js'

export interface Lifecycle {
  /**
   * True from the shutdown signal on: readiness answers 503 so that load balancers stop sending requests here, while
   * the requests that still come are answered as usual, each closing its connection after it.
   */
  readonly draining: boolean
  /** True once the server closes (`app.close()`): it accepts no connections, and refuses what still arrives. */
  readonly closing: boolean
  /** Starts draining; `app.close()` does it too. */
  drain: () => void
}

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: Lifecycle
  }
}

/** The answer of a draining server's readiness, and of any request that arrives once it closes. */
export function shuttingDown (): HttpError {
  return new HttpError(503, 'The server is shutting down', {
    code: ErrorCodes.DRAINING,
    id: 'shutting_down',
    reason: 'This instance is draining; send the request again to reach another one.',
    headers: { 'retry-after': '1' }
  })
}

/**
 * Draining on shutdown, in two steps. While draining (SHUTDOWN_DELAY_MS after SIGTERM: the time a load balancer
 * takes to see readiness fail and stop routing here) requests are answered as usual, but every answer closes its
 * connection, so that keep-alive clients open their next one elsewhere instead of finding this one closed under
 * them. Once the server closes, requests already in flight finish with their real answers; one that still arrives
 * on a kept-alive connection gets a 503 in Ory's shape with `Connection: close` (instead of Fastify's
 * `return503OnClosing` body), which a client may send again elsewhere, never a reset.
 */
export const lifecyclePlugin = fp(async function lifecycle (app: FastifyInstance) {
  let draining = false
  let closing = false
  app.decorate('lifecycle', {
    get draining () {
      return draining
    },
    get closing () {
      return closing
    },
    drain () {
      draining = true
    }
  })
  // Fastify's server.close() follows: no new connections, idle kept-alive ones closed (Node ≥ 19), busy ones after
  // their answer.
  app.addHook('preClose', function startClosing (done) {
    draining = true
    closing = true
    done()
  })
  app.addHook('onRequest', function refuseWhileClosing (_request, reply, done) {
    if (!closing) {
      done()
      return
    }
    reply.header('connection', 'close')
    done(shuttingDown())
  })
  app.addHook('onSend', function closeAfterDrain (_request, reply, payload, done) {
    // Node's server.close() only closes idle connections: without this, a kept-alive connection outlives the drain.
    if (draining) reply.header('connection', 'close')
    done(null, payload)
  })
}, { name: 'lifecycle', fastify: '5.x', dependencies: ['errors'] })
