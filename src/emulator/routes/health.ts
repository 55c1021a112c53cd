import type { FastifyInstance } from 'fastify'
import type { EmulatorContext } from '../context.js'
import { errors, queryString } from '../http.js'
import { requireApiKey } from './admin-auth.js'

// Health and version, as every Ory service serves them, and the self-service error store that browsers are sent to
// (`<ui>/error?id=…`) when a flow fails in a way the form cannot show.

export const EMULATOR_VERSION = 'v1.21.6-emulator'

export async function healthRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.get('/health/alive', async (_request, reply) => await reply.send({ status: 'ok' }))
  app.get('/health/ready', async (_request, reply) => await reply.send({ status: 'ok' }))
  app.get('/version', { onRequest: requireApiKey(ctx) }, async (_request, reply) => await reply.send({ version: EMULATOR_VERSION }))

  app.get('/self-service/errors', async (request, reply) => {
    const id = queryString(request, 'id')
    if (id === undefined || id === '') throw errors.badRequest('The id query parameter is missing.')
    const stored = ctx.state.errors.get(id)
    if (stored === undefined) throw errors.notFound()
    const at = new Date(stored.createdAt).toISOString()
    return reply.send({ id: stored.id, error: stored.error, created_at: at, updated_at: at })
  })
}
