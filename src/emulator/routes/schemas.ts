import type { FastifyInstance } from 'fastify'
import type { IdentitySchemaContainer } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { errors, paginate } from '../http.js'

// Identity schemas (https://www.ory.sh/docs/kratos/manage-identities/identity-schema), public as in Kratos. An id is
// accepted as is or base64url-encoded, the form identities link to in `schema_url`.

export async function schemaRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.get('/schemas', async (request, reply) => {
    const all: IdentitySchemaContainer[] = [...ctx.schemas.values()].map(s => ({ id: s.id, schema: s.schema as Record<string, unknown> }))
    return reply.send(paginate(request, reply, all, 250, 1000))
  })

  app.get<{ Params: { id: string } }>('/schemas/:id', async (request, reply) => {
    const { id } = request.params
    const schema = ctx.schemas.get(id) ?? ctx.schemas.get(Buffer.from(id, 'base64url').toString('utf8'))
    if (schema === undefined) throw errors.notFound('The requested identity schema does not exist.')
    return reply.send(schema.schema)
  })
}
