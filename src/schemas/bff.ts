import { Type, type Static } from '@sinclair/typebox'
import { ref } from './ref.js'

/**
 * Ory's generic error shape, which every error the BFF itself answers with takes, so that an SPA handles one format.
 * Unknown properties are allowed: Ory adds fields between releases and its own error bodies pass through untouched.
 */
export const OryErrorResponse = Type.Object({
  error: Type.Object({
    id: Type.Optional(Type.String({ description: 'A stable identifier of the error, when there is one.' })),
    code: Type.Integer({ description: 'The HTTP status code.' }),
    status: Type.String({ description: 'The HTTP status text.' }),
    reason: Type.Optional(Type.String({ description: 'Why it happened, when that is known.' })),
    message: Type.String(),
    request: Type.Optional(Type.String({ description: 'The request id (X-Request-Id) to quote in a report.' })),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
  }, { additionalProperties: true })
}, { $id: 'OryErrorResponse', additionalProperties: true, description: "Ory's generic error shape." })

export type OryErrorResponseBody = Static<typeof OryErrorResponse>

export const errorRef = ref<OryErrorResponseBody>('OryErrorResponse')

/**
 * Every route can be shed under load, refused while draining, or fail, and answers in Ory's error shape then. The
 * OpenAPI document adds these to every route; routes do not declare them, so that no serializer is compiled for a
 * body that the error handler writes itself.
 */
export const errorResponses = {
  '4xx': errorRef,
  '5xx': errorRef
}

export const HealthStatus = Type.Object({
  status: Type.Literal('ok'),
  degraded: Type.Optional(Type.Array(Type.String(), {
    description: 'Readiness only: features that work in a lesser way while a dependency of theirs is down (Redis, say); the replica stays ready for the rest.'
  })),
  redis: Type.Optional(Type.Object({
    connected: Type.Boolean({ description: 'Whether the Redis connection is ready for commands.' }),
    latency_ms: Type.Union([Type.Number(), Type.Null()], { description: 'Round trip of the last answered PING, in milliseconds.' }),
    fanout: Type.Optional(Type.Object({
      subscribed: Type.Boolean({ description: 'Whether this replica hears the other replicas\' session evictions (the session cache is off while it does not).' }),
      last_lag_ms: Type.Union([Type.Number(), Type.Null()], { description: 'From publishing to hearing, for the last eviction heard from another replica.' })
    }))
  }, { description: 'Readiness only, with REDIS_URL set.' }))
}, { $id: 'HealthStatus', description: 'The answer of a passing health check, as Ory\'s own /health endpoints give it; readiness may add what is degraded and how Redis is.' })

export const healthStatusRef = ref<Static<typeof HealthStatus>>('HealthStatus')
