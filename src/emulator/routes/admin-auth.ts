import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { EmulatorContext } from '../context.js'
import { errors } from '../http.js'

/**
 * Ory Network guards admin, permission and courier APIs with a project API key (`Authorization: Bearer ory_pat_…`).
 * With `apiKey` set the emulator does the same; without it, like a self-hosted admin port, it lets everyone in.
 */
export function requireApiKey (ctx: EmulatorContext): (request: FastifyRequest) => Promise<void> {
  const expected = ctx.apiKey === undefined ? undefined : Buffer.from(`Bearer ${ctx.apiKey}`)
  return async request => {
    if (expected === undefined) return
    const received = Buffer.from(request.headers.authorization ?? '')
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
      throw errors.unauthorized('The request does not carry a valid project API key.')
    }
  }
}
