import type { FastifyInstance, FastifySchema, HTTPMethods } from 'fastify'
import fp from 'fastify-plugin'
import { errorResponses } from '../schemas/bff.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenAPI document of every route the server has, built on first use and kept. */
    openApiDocument: () => Promise<Record<string, unknown>>
  }
}

export interface OpenApiOptions {
  version: string
  publicUrl: string
}

interface RouteDefinition {
  method: HTTPMethods | HTTPMethods[]
  url: string
  schema: FastifySchema | undefined
}

/**
 * Documents every route of the app, later features' included: an onRoute hook records each route and its TypeBox
 * schema as it is added, and the document is made by @fastify/swagger the first time it is asked for. Swagger runs
 * in an instance of its own that only holds the recorded routes, so that neither it nor YAML and its schema
 * resolver are loaded at start-up (a third of the start-up time budget) for a document operators rarely read.
 */
export const openApiPlugin = fp(async function openApi (app: FastifyInstance, options: OpenApiOptions) {
  const routes: RouteDefinition[] = []
  app.addHook('onRoute', function recordRoute (route) {
    // Fastify adds a HEAD route to every GET route; the documenting instance does the same.
    const methods = [route.method].flat().filter(method => method !== 'HEAD')
    if (methods.length > 0) routes.push({ method: methods, url: route.url, schema: route.schema })
  })
  let document: Promise<Record<string, unknown>> | undefined
  app.decorate('openApiDocument', async function openApiDocument () {
    document ??= buildDocument(app, routes, options)
    return await document
  })
}, { name: 'openapi', fastify: '5.x' })

async function buildDocument (app: FastifyInstance, routes: RouteDefinition[], options: OpenApiOptions): Promise<Record<string, unknown>> {
  const [{ default: Fastify }, { default: swagger }] = await Promise.all([import('fastify'), import('@fastify/swagger')])
  const documenting = Fastify({ logger: false })
  // The schemas are only read, never compiled: nothing is served from this instance.
  documenting.setValidatorCompiler(() => () => true)
  documenting.setSerializerCompiler(() => data => JSON.stringify(data))
  for (const schema of Object.values(app.getSchemas())) documenting.addSchema(schema)
  await documenting.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ory-bff',
        version: options.version,
        description: 'The backend-for-frontend\'s own routes. Errors take Ory\'s generic error shape.'
      },
      servers: [{ url: options.publicUrl }]
    },
    // Every route is documented with Ory's error shape for its 4xx and 5xx answers.
    transform: ({ schema, url }) => ({
      schema: { ...schema, response: { ...errorResponses, ...(schema?.response as Record<string, unknown> | undefined) } },
      url
    }),
    refResolver: {
      // Components keep their TypeBox $id as their name instead of def-0, def-1 …
      buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}`
    }
  })
  for (const route of routes) {
    documenting.route({ method: route.method, url: route.url, schema: route.schema, handler: async () => null })
  }
  await documenting.ready()
  const result = documenting.swagger() as unknown as Record<string, unknown>
  await documenting.close()
  return result
}
