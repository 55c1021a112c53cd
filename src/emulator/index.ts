import type { AddressInfo } from 'node:net'
import fastifyCookie from '@fastify/cookie'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { EmulatorContext, type EmulatorOptions } from './context.js'
import { OryHttpError, sendError } from './http.js'
import { consoleRoutes } from './routes/console.js'
import { courierRoutes } from './routes/courier.js'
import { healthRoutes } from './routes/health.js'
import { identityRoutes } from './routes/identities.js'
import { ketoRoutes } from './routes/keto.js'
import { oauth2Routes } from './routes/oauth2.js'
import { oauth2AdminRoutes } from './routes/oauth2-admin.js'
import { jwkRoutes } from './routes/jwk.js'
import { loginRoutes } from './routes/login.js'
import { logoutRoutes } from './routes/logout.js'
import { adminRecoveryRoutes, recoveryRoutes } from './routes/recovery.js'
import { registrationRoutes } from './routes/registration.js'
import { schemaRoutes } from './routes/schemas.js'
import { adminSessionRoutes, publicSessionRoutes } from './routes/sessions.js'
import { settingsRoutes } from './routes/settings.js'
import { verificationRoutes } from './routes/verification.js'
import { applySeed, readSeed } from './seed.js'
import type { EmulatorState } from './state.js'

export type { ConsoleSeed, EmulatorOptions, EmulatorSeed, ObservedResponse, SeedIdentity, SeedRelationship } from './context.js'
export type { EmulatorState } from './state.js'
export { EmulatorContext } from './context.js'
export { defaultIdentitySchema } from './identity-schema.js'
export { hashPassword } from './password.js'
export { OAuth2Provider, type BackchannelDelivery, type OAuth2ClientOptions } from './oauth2.js'
export { DEFAULT_TOKENIZE_TEMPLATE, TOKENIZER_JWKS_PATH, type TokenizeTemplate } from './tokenizer.js'

export const DEFAULT_EMULATOR_PORT = 4433

// Query parameters that carry secrets (logout tokens, codes, OAuth2 tokens and ID token hints) are blanked in request logs.
const SECRET_QUERY = /([?&](?:token|code|session_token|password|init_code|return_to_code|id_token_hint|logout_token|access_token|refresh_token|id_token|client_secret|code_verifier)=)[^&#]*/gi

function loggerOptions (logger: EmulatorOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false
  const base = logger === true ? {} : logger
  return {
    ...base,
    // Only method, URL (secrets blanked) and status: cookies, tokens and bodies never reach the log.
    serializers: {
      req: (req: { method: string, url: string }) => ({ method: req.method, url: req.url.replace(SECRET_QUERY, '$1[redacted]') }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode })
    }
  }
}

function parseForm (body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>
  for (const [key, value] of new URLSearchParams(body)) {
    const previous = out[key]
    out[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
  }
  return out
}

/**
 * The emulator as a Fastify instance, not listening (use `inject`, or `startEmulator`). Without a `baseUrl` option,
 * one must be set with `ctx.setBaseUrl` before the first request.
 */
export async function createEmulator (options: EmulatorOptions = {}): Promise<{ app: FastifyInstance, ctx: EmulatorContext }> {
  const ctx = new EmulatorContext(options)
  if (options.seed !== undefined) await applySeed(ctx, await readSeed(options.seed))

  const app = Fastify({ logger: loggerOptions(options.logger), return503OnClosing: true, forceCloseConnections: true })
  await app.register(fastifyCookie)
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(body as string))
  })

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof OryHttpError) return sendError(request, reply, err)
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (status === 500) request.log.error({ err }, 'emulator error')
    return sendError(request, reply, new OryHttpError(status, status === 500 ? {} : { reason: err.message }))
  })
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new OryHttpError(404, { reason: `No route for ${request.method} ${request.url.split('?')[0]}.` })))

  const observe = options.onResponse
  if (observe !== undefined) {
    app.addHook('onSend', async (request, reply, payload) => {
      let body: unknown
      if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
        const text = payload.toString()
        const type = String(reply.getHeader('content-type') ?? '')
        body = text === '' ? undefined : type.includes('json') ? JSON.parse(text) : text
      }
      observe({
        method: request.method,
        url: request.url,
        route: request.routeOptions.url,
        status: reply.statusCode,
        headers: reply.getHeaders(),
        body
      })
      return payload
    })
  }

  for (const routes of [
    loginRoutes, registrationRoutes, settingsRoutes, recoveryRoutes, verificationRoutes, logoutRoutes, publicSessionRoutes,
    adminSessionRoutes, identityRoutes, courierRoutes, schemaRoutes, ketoRoutes, healthRoutes, oauth2Routes, oauth2AdminRoutes, jwkRoutes, adminRecoveryRoutes, consoleRoutes
  ]) {
    await app.register(routes, { ctx })
  }
  return { app, ctx }
}

export interface RunningEmulator {
  /** Where the emulator listens (`http://127.0.0.1:<port>`): point clients here. */
  url: string
  /** Its public URL, as it writes it into flows and cookies (`baseUrl`, or `url` when none was given). */
  baseUrl: string
  state: EmulatorState
  ctx: EmulatorContext
  app: FastifyInstance
  close: () => Promise<void>
}

/**
 * Starts the local Ory emulator: Kratos' self-service, session, identity, courier and schema APIs, Keto's
 * relationship, permission and OPL syntax APIs, Hydra's public OAuth2/OpenID Connect endpoints and its admin API
 * (clients, trusted JWT issuers, login/consent/logout requests, introspection, JWKs), and the console API's reads of
 * one project and workspace, in memory. Loopback and port 4433 unless told otherwise; port 0 picks one.
 */
export async function startEmulator (options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { app, ctx } = await createEmulator(options)
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? DEFAULT_EMULATOR_PORT })
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`
  if (options.baseUrl === undefined) ctx.setBaseUrl(url)
  return { url, baseUrl: ctx.baseUrl, state: ctx.state, ctx, app, close: async () => await app.close() }
}
