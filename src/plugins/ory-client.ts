import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { createOryClient, type OryClient } from '../ory/index.js'
import { instrumentOryClient, withRequestId } from './ory-instrumentation.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The typed Ory client; every call through it is counted in the metrics. */
    ory: OryClient
  }
  interface FastifyRequest {
    /** The app's Ory client, sending this request's id upstream as X-Request-Id so that logs can be joined. */
    readonly ory: OryClient
  }
}

export interface OryClientPluginOptions {
  config: Config
  /** A client of the caller's (tests, embedding): used as is and never closed by the app. */
  client?: OryClient
}

export const oryClientPlugin = fp(async function oryClient (app: FastifyInstance, options: OryClientPluginOptions) {
  const { config } = options
  const client = options.client ?? createOryClient({
    url: config.oryUrl,
    apiKey: config.oryApiKey,
    consoleUrl: config.oryConsoleUrl,
    workspaceApiKey: config.oryWorkspaceApiKey,
    timeoutMs: config.upstreamTimeoutMs,
    headersTimeoutMs: config.upstreamTimeoutMs,
    bodyTimeoutMs: config.upstreamTimeoutMs
  })
  // With tracing on (the telemetry plugin, registered before this one), every call is also a span sent along to Ory.
  const instrumented = instrumentOryClient(client, app.metrics.observeUpstream, app.hasDecorator('telemetry') ? app.telemetry.oryCallSpan : undefined)
  app.decorate('ory', instrumented)
  app.decorateRequest('ory', {
    getter (this: FastifyRequest) {
      return withRequestId(instrumented, this.id)
    }
  })
  if (options.client === undefined) {
    // Runs after the server has stopped and in-flight requests have finished: closing the pools cuts nothing short.
    app.addHook('onClose', async function closeOryClient () {
      await client.close()
    })
  }
}, { name: 'ory-client', fastify: '5.x', dependencies: ['metrics'] })
