import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorCodes, HttpError } from '../errors.js'
import { shuttingDown } from '../plugins/lifecycle.js'
import { healthStatusRef } from '../schemas/bff.js'

/**
 * Ory's own health paths, for orchestrators: `alive` says the process can serve (no upstream call), `ready` says the
 * upstream Ory answered recently and the server is not shutting down. Both stay off the info log and are never
 * cached.
 */
export const healthRoutes: FastifyPluginAsyncTypebox = async function healthRoutes (app) {
  app.get('/health/alive', {
    schema: {
      summary: 'Liveness: the process can serve',
      tags: ['health'],
      response: { 200: healthStatusRef }
    },
    config: { accessLogLevel: 'debug', loadShedding: false }
  }, async function alive () {
    return { status: 'ok' as const }
  })

  app.get('/health/ready', {
    schema: {
      summary: 'Readiness: the upstream Ory answered a probe recently',
      description: 'The probe runs in the background; this answer comes from its latest result. Not ready: 503 in Ory\'s error shape, with the reason; from the shutdown signal on, 503 `shutting_down`. With REDIS_URL, a Redis that is down keeps the replica ready: `degraded` lists what works in a lesser way meanwhile, and `redis` says how Redis is.',
      tags: ['health'],
      response: { 200: healthStatusRef }
    },
    config: { accessLogLevel: 'debug' }
  }, async function ready () {
    // Before any probe: a draining server is leaving the rotation, whatever Ory says.
    if (app.lifecycle.draining) throw shuttingDown()
    const state = await app.readiness.current()
    if (!state.ready) throw new HttpError(503, 'An upstream the BFF needs (Ory) is not ready', { code: ErrorCodes.NOT_READY, id: 'upstream_not_ready', reason: state.reason })
    const redis = app.redis
    if (redis === undefined) return { status: 'ok' as const }
    const fanout = app.sessionFanout
    return {
      status: 'ok' as const,
      ...(state.degraded === undefined ? {} : { degraded: state.degraded }),
      redis: {
        connected: redis.ready,
        latency_ms: redis.latencyMs === undefined ? null : Math.round(redis.latencyMs * 1000) / 1000,
        ...(fanout === undefined ? {} : { fanout: { subscribed: fanout.subscribed, last_lag_ms: fanout.lastLagMs ?? null } })
      }
    }
  })
}
