import Fastify, { LogController, type FastifyInstance } from 'fastify'

// How the peers run: a Fastify app configured as its users would configure it, with the server timeouts the BFF's
// server has, and an access log of one line per request through Fastify's own logger (pino, to standard output):
// the request id Fastify binds, method, path, route, status and duration, the fields of the BFF's access line.
// Fastify's default request logging writes two lines per request (on arrival and on answer); one is the kinder
// choice for the peer. The BFF writes its own access line (src/plugins/logging.ts); what it costs is its own.
export function peerServer (): FastifyInstance {
  const app = Fastify({
    logger: { level: 'info' },
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000
  })
  app.addHook('onResponse', function logRequest (request, reply, done) {
    const query = request.url.indexOf('?')
    request.log.info({
      method: request.method,
      path: query === -1 ? request.url : request.url.slice(0, query),
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100
    }, 'request completed')
    done()
  })
  return app
}
