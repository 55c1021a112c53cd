import { randomUUID, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Project, ProjectMetadata, Workspace } from '../../schemas/index.js'
import type { EmulatorContext } from '../context.js'
import { errors, OryHttpError } from '../http.js'
import { iso } from '../identities.js'

// What Ory Network's console API (https://api.console.ory.sh) answers about the one project the emulator is and the
// workspace it belongs to: the project and workspace reads and the project's event streams (none), guarded by a
// workspace API key (`workspaceApiKey`) when one is set. The same origin serves it, so ORY_CONSOLE_URL can point at
// the emulator. Nothing here changes: creating or changing projects is outside what the emulator stands in for.

export async function consoleRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  const seed = ctx.consoleSeed
  const created = ctx.now()
  const workspace: Workspace = {
    id: seed.workspace?.id ?? randomUUID(),
    name: seed.workspace?.name ?? 'Emulator workspace',
    created_at: iso(created),
    updated_at: iso(created),
    subscription_id: null
  }
  const projectId = seed.project?.id ?? randomUUID()
  const project = {
    id: projectId,
    name: seed.project?.name ?? 'Emulator project',
    slug: seed.project?.slug ?? 'emulator',
    environment: seed.project?.environment ?? 'dev',
    home_region: seed.project?.home_region ?? 'eu-central',
    state: 'running' as const
  }
  const revisionId = randomUUID()

  const expected = ctx.workspaceApiKey === undefined ? undefined : Buffer.from(`Bearer ${ctx.workspaceApiKey}`)
  const guard = async (request: FastifyRequest): Promise<void> => {
    if (expected === undefined) return
    const received = Buffer.from(request.headers.authorization ?? '')
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      throw errors.unauthorized('The request does not carry a valid workspace API key.')
    }
  }
  app.addHook('onRequest', guard)

  const findProject = (id: string): void => {
    if (id !== projectId) throw new OryHttpError(404, { reason: 'The project could not be found or you do not have access to it.', message: 'Unable to locate the resource' })
  }

  // The hosts the project answers on: the emulator's own host.
  const metadata = (): ProjectMetadata => ({
    ...project,
    hosts: [new URL(ctx.baseUrl).host],
    created_at: iso(created),
    updated_at: iso(created),
    workspace_id: workspace.id,
    workspace,
    subscription_id: null
  })

  app.get('/projects', async (_request, reply) => reply.send([metadata()]))

  app.get<{ Params: { project_id: string } }>('/projects/:project_id', async (request, reply) => {
    findProject(request.params.project_id)
    const body: Project = {
      ...project,
      revision_id: revisionId,
      workspace_id: workspace.id,
      organizations: [],
      cors_admin: { enabled: false, origins: [] },
      cors_public: { enabled: false, origins: [] },
      // The configuration Ory Network keeps per service, reduced to what the emulator does configure.
      services: {
        identity: { config: { serve: { public: { base_url: ctx.baseUrl } }, selfservice: { default_browser_return_url: ctx.ui('defaultReturn') } } },
        oauth2: { config: { urls: { self: { issuer: ctx.baseUrl } } } },
        permission: { config: { namespaces: [...(ctx.namespaces ?? [])].map((name, id) => ({ id, name })) } }
      }
    }
    return reply.send(body)
  })

  app.get<{ Params: { project_id: string } }>('/projects/:project_id/eventstreams', async (request, reply) => {
    findProject(request.params.project_id)
    return reply.send({ event_streams: [] })
  })

  app.get('/workspaces', async (_request, reply) => reply.send({ workspaces: [workspace], next_page_token: '', has_next_page: false }))

  app.get<{ Params: { workspace: string } }>('/workspaces/:workspace', async (request, reply) => {
    if (request.params.workspace !== workspace.id) {
      throw new OryHttpError(404, { reason: 'The workspace could not be found or you do not have access to it.', message: 'Unable to locate the resource' })
    }
    return reply.send(workspace)
  })
}
