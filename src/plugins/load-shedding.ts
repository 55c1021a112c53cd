import { getHeapStatistics } from 'node:v8'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ErrorCodes, HttpError } from '../errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` keeps the route answering under pressure (liveness, metrics: an operator needs them most then). */
    loadShedding?: boolean
  }
}

export interface LoadSheddingOptions {
  /** 0: off. */
  maxEventLoopDelayMs: number
  /** undefined: 90 % of V8's heap limit; 0: off. */
  maxHeapUsedBytes: number | undefined
  /** How often the event loop and heap are sampled; under-pressure's default is one second. */
  sampleIntervalMs?: number
  retryAfterSeconds?: number
}

const REASONS: Record<string, string> = {
  eventLoopDelay: 'The event loop is lagging.',
  eventLoopUtilization: 'The event loop is saturated.',
  heapUsedBytes: 'The heap is nearly full.',
  rssBytes: 'The process uses too much memory.',
  healthCheck: 'A health check failed.'
}

/** Sheds load with a 503 and `Retry-After` in Ory's shape rather than falling over. */
export const loadSheddingPlugin = fp(async function loadShedding (app: FastifyInstance, options: LoadSheddingOptions) {
  const retryAfter = options.retryAfterSeconds ?? 10
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxHeapUsedBytes: options.maxHeapUsedBytes ?? Math.floor(getHeapStatistics().heap_size_limit * 0.9),
    sampleInterval: options.sampleIntervalMs,
    retryAfter,
    pressureHandler: async (request, _reply, type) => {
      if (request.routeOptions.config.loadShedding === false) return
      throw new HttpError(503, 'The server is too busy to answer; retry later', {
        code: ErrorCodes.OVERLOADED,
        id: 'overloaded',
        reason: REASONS[type] ?? 'The server is under pressure.',
        headers: { 'retry-after': String(retryAfter) }
      })
    }
  })
}, { name: 'load-shedding', fastify: '5.x', dependencies: ['errors'] })
