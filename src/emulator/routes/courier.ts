import type { FastifyInstance } from 'fastify'
import type { EmulatorContext } from '../context.js'
import { messageJson } from '../courier.js'
import { errors, paginate, queryString } from '../http.js'
import { requireApiKey } from './admin-auth.js'

// The courier admin API (https://www.ory.sh/docs/kratos/emails-sms/sending-emails-smtp): every message the
// emulator "sent", newest first. Kratos hides bodies unless it runs in dev mode; the emulator is a dev tool and shows
// them, which is how tests read recovery and verification codes.

const STATUSES = ['queued', 'sent', 'processing', 'abandoned']

export async function courierRoutes (app: FastifyInstance, { ctx }: { ctx: EmulatorContext }): Promise<void> {
  app.addHook('onRequest', requireApiKey(ctx))

  app.get('/admin/courier/messages', async (request, reply) => {
    const status = queryString(request, 'status')
    if (status !== undefined && !STATUSES.includes(status)) throw errors.badRequest(`Unknown message status ${JSON.stringify(status)}.`)
    const recipient = queryString(request, 'recipient')
    const messages = [...ctx.state.messages].reverse().filter(m =>
      (status === undefined || status === 'sent') && (recipient === undefined || m.recipient === recipient.trim().toLowerCase()))
    return reply.send(paginate(request, reply, messages, 250, 1000).map(messageJson))
  })

  app.get<{ Params: { id: string } }>('/admin/courier/messages/:id', async (request, reply) => {
    const message = ctx.state.messages.find(m => m.id === request.params.id)
    if (message === undefined) throw errors.notFound()
    return reply.send(messageJson(message))
  })
}
