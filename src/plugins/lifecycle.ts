import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorCodes, HttpError } from '../errors.js'

export interface Lifecycle {
  /** True from the moment the server starts to close: readiness fails and new requests are turned away. */
  readonly draining: boolean
  /** Starts draining; `app.close()` does it too (preClose), the server calls it first to fail readiness at once. */
  drain: () => void
}

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: Lifecycle
  }
}

/**
 * Draining on shutdown. Requests already in flight finish with their real answers and close their connection after
 * it; a request that arrives on a kept-alive connection once draining has begun gets a 503 in Ory's shape (instead
 * of Fastify's own `return503OnClosing` body) so that the client retries on another instance.
 */
export const lifecyclePlugin = fp(async function lifecycle (app: FastifyInstance) {
  let draining = false
  app.decorate('lifecycle', {
    get draining () {
      return draining
    },
    drain () {
      draining = true
    }
  })
  app.addHook('preClose', function startDraining (done) {
    draining = true
    done()
  })
  app.addHook('onRequest', function refuseWhileDraining (_request, reply, done) {
    if (!draining) {
      done()
      return
    }
    reply.header('connection', 'close')
    done(new HttpError(503, 'The server is shutting down', {
      code: ErrorCodes.DRAINING,
      id: 'shutting_down',
      reason: 'This instance is draining; send the request again to reach another one.',
      headers: { 'retry-after': '1' }
    }))
  })
  app.addHook('onSend', function closeAfterDrain (_request, reply, payload, done) {
    // Node's server.close() only closes idle connections: without this, a kept-alive connection outlives the drain.
    if (draining) reply.header('connection', 'close')
    done(null, payload)
  })
}, { name: 'lifecycle', fastify: '5.x', dependencies: ['errors'] })
