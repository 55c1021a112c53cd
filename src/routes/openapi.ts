import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'

export const openApiRoutes: FastifyPluginAsyncTypebox = async function openApiRoutes (app) {
  app.get('/openapi.json', {
    schema: {
      summary: 'This document: the OpenAPI description of the BFF\'s own routes',
      tags: ['meta'],
      response: { 200: Type.Object({}, { additionalProperties: true, description: 'An OpenAPI 3.1 document.' }) }
    }
  }, async function openApiDocument () {
    return await app.openApiDocument()
  })
}
