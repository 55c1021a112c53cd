import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'

export const metricsRoutes: FastifyPluginAsyncTypebox = async function metricsRoutes (app) {
  const { registry } = app.metrics
  app.get('/metrics', {
    schema: {
      summary: 'Prometheus metrics',
      tags: ['observability'],
      response: {
        200: {
          description: 'The Prometheus text exposition format.',
          content: { [registry.contentType]: { schema: Type.String() } }
        }
      }
    },
    // Scraped every few seconds; needed most when the server is under pressure.
    config: { accessLogLevel: 'debug', loadShedding: false }
  }, async function metrics (_request, reply) {
    const text = await registry.metrics()
    return await reply.type(registry.contentType).send(text)
  })
}
