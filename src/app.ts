import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify'
import fp from 'fastify-plugin'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import { VERSION } from './constants.js'
import { HttpError, INVALID_INPUT_MESSAGE } from './errors.js'
import { jsonDepthExceeds } from './http/json-depth.js'
import type { OryClient } from './ory/index.js'
import { checksPlugin } from './plugins/checks.js'
import { csrfPlugin } from './plugins/csrf.js'
import { AccessLogController, createLogger, lazyRequestLogger } from './plugins/logging.js'
import { clientErrorHandler, errorsPlugin, frameworkErrorHandler } from './plugins/errors.js'
import { lifecyclePlugin } from './plugins/lifecycle.js'
import { loadSheddingPlugin } from './plugins/load-shedding.js'
import { metricsPlugin } from './plugins/metrics.js'
import { oauth2Plugin, usesRedis } from './plugins/oauth2.js'
import { openApiPlugin } from './plugins/openapi.js'
import { oryClientPlugin } from './plugins/ory-client.js'
import { permissionsPlugin } from './plugins/permissions.js'
import { rateLimitPlugin } from './plugins/rate-limit.js'
import { READY_PROBE_MAX_WAIT_MS, readinessPlugin, type ReadinessCheck } from './plugins/readiness.js'
import { redisPlugin } from './plugins/redis.js'
import { requestId, requestIdPlugin } from './plugins/request-id.js'
import { securityHeadersPlugin } from './plugins/security-headers.js'
import { sessionPlugin, type SessionPluginOptions } from './plugins/session.js'
import { adminModels, adminOperations } from './admin/operations.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { oauth2Routes } from './routes/oauth2.js'
import { OAUTH2_SCHEMAS } from './routes/oauth2-schemas.js'
import { openApiRoutes } from './routes/openapi.js'
import { oryMirrorRoutes } from './routes/ory-mirror/index.js'
import { permissionSchemas } from './routes/permission-schemas.js'
import { permissionRoutes } from './routes/permissions.js'
import { proxyRoutes } from './routes/proxy.js'
import { sessionRoutes } from './routes/session.js'
import { SESSION_SCHEMAS } from './routes/session-schemas.js'
import { staticRoutes } from './routes/static.js'
import { HealthStatus } from './schemas/bff.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>

export interface BuildAppOptions {
  /** An Ory client of the caller's (tests): used instead of one built from the config, and not closed by the app. */
  oryClient?: OryClient
  /** Where log lines go instead of standard output (tests capture them). */
  logStream?: DestinationStream
  /** Server options the server owns: timeouts (REQUEST_TIMEOUT_MS's are set from the config). */
  server?: Pick<FastifyServerOptions, 'connectionTimeout' | 'keepAliveTimeout' | 'pluginTimeout'>
  /** How often load is sampled (default one second); tests shorten it. */
  pressureSampleIntervalMs?: number
  /** The session cache's store and clock, instead of an in-process LRU and Date.now (shared stores, tests). */
  session?: Omit<SessionPluginOptions, 'config'>
  /** The OAuth2 plugin's clock in milliseconds (tests of expiry and refresh). */
  oauth2Now?: () => number
  /** The admin policy cache's clock in milliseconds (tests of its TTL). */
  adminNow?: () => number
}

function stringify (data: unknown): string {
  return JSON.stringify(data)
}

/**
 * Fastify's own JSON parser (secure-json-parse dropping nothing, refusing `__proto__` and `constructor.prototype`;
 * an empty body refused; the body limit) behind a depth check: a body nested thousands of levels deep is a few bytes
 * a level, passes the body limit, and would overflow the stack of whatever walks it next (the flow body's
 * validation, JSON.stringify on its way to Ory). It is refused before it is parsed.
 */
function useDepthLimitedJson (app: App, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, function parseJson (request, body, done) {
    if (jsonDepthExceeds(body, maxDepth)) {
      done(new HttpError(400, INVALID_INPUT_MESSAGE, { reason: `The JSON body is nested deeper than ${maxDepth} levels (JSON_MAX_DEPTH).` }), undefined)
      return
    }
    // A string: parseAs says so, the types do not know it.
    parse(request, body as string, done)
  })
}

/** What needs Redis, each listed in readiness's `degraded` while it cannot work as configured. */
function redisChecks (app: App, config: Config): ReadinessCheck[] {
  if (config.redisUrl === undefined) return []
  const checks: ReadinessCheck[] = [{
    // The PING also measures the latency that readiness and /metrics report.
    probe: async () => await app.redis!.ping(Math.min(1000, app.redis!.commandTimeoutMs)),
    reason: 'redis: Redis cannot be reached.'
  }, {
    probe: async () => app.sessionFanout === undefined || app.sessionFanout.subscribed,
    reason: 'session-cache: other replicas\' logouts cannot be heard, so the session cache is off and every session check asks Ory.'
  }]
  if (config.oauth2 !== undefined && usesRedis(config)) {
    checks.push({ probe: async () => await app.oauth2!.store.ping(), reason: 'oauth2-tokens: the token store (Redis) cannot be reached; OAuth2 routes and OAuth2-token API routes answer 503.' })
  }
  checks.push({
    probe: async () => !app.rateLimits.enabled || app.rateLimits.shared,
    reason: 'rate-limits: counted in each replica\'s memory until Redis answers again, so a client\'s limit holds per replica meanwhile.'
  })
  return checks
}

function trustHops (hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops
}

/**
 * Builds the app from a validated config: plugins, routes, error handling. Never reads the environment and never
 * listens; `src/server.ts` does that, tests use `inject()` or listen on 127.0.0.1:0.
 */
export function buildApp (config: Config, options: BuildAppOptions = {}): App {
  const logger = createLogger({ level: config.logLevel, stream: options.logStream })
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One access-log line per request instead of Fastify's two, secrets kept out (see plugins/logging.ts).
    logController: new AccessLogController(logger),
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    // A number is the count of proxy hops to trust (Fastify's types lack that form).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // The lifecycle plugin answers requests that arrive while draining, in Ory's error shape.
    return503OnClosing: false,
    // Ory's error shape for what is refused before routing, or before there is a request at all.
    frameworkErrors: frameworkErrorHandler({ hsts: config.publicHttps }),
    clientErrorHandler: clientErrorHandler({ hsts: config.publicHttps }),
    // A slow client (slowloris, a body a byte at a time) may hold a connection no longer than REQUEST_TIMEOUT_MS:
    // headers included (Node's headersTimeout is 60 s otherwise), and checked often enough for the limit to be the
    // limit (Node looks only every 30 s by default). Fastify sets `requestTimeout` on the server it creates.
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(config.requestTimeoutMs / 10))
    },
    ...options.server
  }).withTypeProvider<TypeBoxTypeProvider>()

  // A request's child logger is made only when something logs through it.
  app.setChildLoggerFactory(lazyRequestLogger)
  for (const warning of config.warnings) app.log.warn(warning)
  useDepthLimitedJson(app, config.jsonMaxDepth)

  // Response schemas document the answers (/openapi.json); the routes build those answers themselves, and Ory's bodies
  // pass through with every field Ory sent. So answers are written with JSON.stringify rather than serializers
  // compiled from the schemas, which would drop unknown fields and cost tens of milliseconds at every start.
  app.setSerializerCompiler(() => stringify)

  app.decorate('config', config)
  // First: the request's span starts in its onRequest hook, before every other hook, and the Ory client (below)
  // traces its calls when it is there. Loaded only when tracing is configured: otherwise none of the tracing code is.
  const telemetry = config.telemetry
  if (telemetry !== undefined) {
    app.register(fp(async function telemetryLoader (app) {
      const { telemetryPlugin } = await import('./plugins/telemetry.js')
      await app.register(telemetryPlugin, { config: telemetry, version: VERSION })
    }, { name: 'telemetry-loader' }))
  }
  // Order matters for the onRequest hooks: the request id is echoed even on answers that shedding or draining give.
  app.register(requestIdPlugin)
  app.register(errorsPlugin)
  // Before the routes: their input checks are registered with it, and compiled once the server listens.
  app.register(checksPlugin)
  app.register(securityHeadersPlugin, { hsts: config.publicHttps })
  app.register(lifecyclePlugin)
  app.register(loadSheddingPlugin, { ...config.loadShedding, sampleIntervalMs: options.pressureSampleIntervalMs })
  app.register(metricsPlugin)
  app.register(oryClientPlugin, { config, client: options.oryClient })
  // REDIS_URL's one connection, which every feature below that shares state between replicas uses.
  app.register(redisPlugin, { config })
  // Before the routes: its onRoute hook evicts sessions on the mirror's logout routes.
  app.register(sessionPlugin, { config, ...options.session })
  const oauth2 = config.oauth2 !== undefined
  // Ory is required; what needs Redis is listed as degraded while Redis is down (the replica stays ready for the rest).
  app.register(readinessPlugin, {
    intervalMs: config.readyProbeIntervalMs,
    timeoutMs: Math.min(config.upstreamTimeoutMs, READY_PROBE_MAX_WAIT_MS),
    checks: redisChecks(app, config)
  })
  // Before every route: state-changing /api/* calls from other sites are refused before anything else happens.
  app.register(csrfPlugin, { publicUrl: config.publicUrl })
  // Before the routes that take its hooks (the mirror's flow submits, the OAuth2 login, the admin routes).
  app.register(rateLimitPlugin, { config })
  app.register(permissionsPlugin, { config })
  app.register(oauth2Plugin, { config, now: options.oauth2Now })
  app.register(openApiPlugin, { version: VERSION, publicUrl: config.publicUrl })
  app.addSchema(HealthStatus)
  for (const schema of permissionSchemas(config.permissionBatchMax)) app.addSchema(schema)
  for (const schema of SESSION_SCHEMAS) app.addSchema(schema)
  if (oauth2) for (const schema of OAUTH2_SCHEMAS) app.addSchema(schema)

  app.register(healthRoutes)
  app.register(metricsRoutes)
  app.register(openApiRoutes)
  app.register(oryMirrorRoutes, { prefix: config.oryPathPrefix, config })
  app.register(sessionRoutes, { prefix: '/api/session', config })
  app.register(permissionRoutes, { prefix: '/api/permissions', batchMax: config.permissionBatchMax })
  // Only with ADMIN_API=on. The models their bodies and answers refer to are registered here, where /openapi.json
  // finds them.
  if (config.admin !== undefined) {
    const registered = new Set(Object.keys(app.getSchemas()))
    for (const model of adminModels(adminOperations({ console: config.oryWorkspaceApiKey !== undefined }))) {
      if (!registered.has(model.$id!)) app.addSchema(model)
    }
    // Loaded only then: with ADMIN_API off, start-up evaluates none of it.
    app.register(async function admin (app) {
      const { adminRoutes } = await import('./routes/admin.js')
      await adminRoutes(app, { config, now: options.adminNow })
    })
  }
  // Only with OAUTH2_CLIENT_ID: without a client there is no OAuth2 login to offer.
  if (oauth2) app.register(oauth2Routes, { prefix: '/api/oauth2', config })
  if (config.apiRoutes.length > 0) {
    app.register(proxyRoutes, {
      prefix: '/api/proxy',
      routes: config.apiRoutes,
      timeoutMs: config.upstreamTimeoutMs,
      bodyLimit: config.bodyLimitBytes,
      // The access token of an /api/oauth2 login, refreshed when due; without OAuth2, routes use the Ory session.
      oauth2AccessToken: !oauth2 ? undefined : async (request, reply) => await app.oauth2!.accessToken(request, reply)
    })
  }
  app.register(staticRoutes)
  return app
}
