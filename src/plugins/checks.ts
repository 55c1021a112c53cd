import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { CheckRegistry } from '../schemas/check.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The app's input checks not compiled yet (routes' schemas, the mirror's flow bodies): compiled in the background
     * once the server listens, or each by the first request that needs it (see src/schemas/check.ts).
     */
    checks: CheckRegistry
  }
}

/**
 * Start-up does not wait for the compiler: the checks the routes register are compiled after the server listens, one
 * per turn of the event loop, so that requests arriving meanwhile are not held up. `inject()` never listens: there a
 * check compiles when first used.
 */
export const checksPlugin = fp(async function checks (app: FastifyInstance) {
  const registry = new CheckRegistry()
  const closing = new AbortController()
  app.decorate('checks', registry)
  app.addHook('onListen', async function compileChecks () {
    registry.compile(closing.signal).catch((err: unknown) => app.log.error({ err }, 'cannot compile the input checks'))
  })
  app.addHook('onClose', async function stopCompiling () {
    closing.abort()
  })
}, { name: 'checks', fastify: '5.x' })
