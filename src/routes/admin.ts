import { Type, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, FastifySchemaCompiler } from 'fastify'
import { auditObjects, createdIds, type AuditObjects } from '../admin/audit.js'
import { rewriteLinkHeader, rewriteOryUrl, type LinkBase } from '../admin/links.js'
import { adminModels, adminOperations, selectOperations, SESSION_EFFECTS, type AdminOperation } from '../admin/operations.js'
import { callParams, coerceParams, explainParamIssue, paramsSchema, type ParamPart } from '../admin/params.js'
import { ConfigError, type AdminConfig, type Config } from '../config.js'
import { ErrorCodes, HttpError, invalidInput } from '../errors.js'
import { OryBadResponseError } from '../ory/index.js'
import type { Headers, OperationSpec } from '../ory/operation.js'
import { AdminPolicyGuard } from '../plugins/admin-policy.js'
import { subjectOf } from '../plugins/permissions.js'
import { requireSession } from '../plugins/session.js'
import { LazyCheck } from '../schemas/check.js'

// Ory's admin operations as same-origin routes under /api/admin (src/admin/operations.ts says which and where), one
// route per operation, made from the operation table. Each call, in this order: a signed-in session (401), the
// identity's rate limit (429), ADMIN_POLICY (403), ADMIN_ALLOW and ADMIN_DENY (403), the confirmation header of a
// destructive operation (428), then its path, query and body checked against the spec's models (400), all before Ory
// hears of it. Ory's answer passes through as it came, its Link and Location headers pointed at the admin routes.
// Every call is one audit line (who, which operation, the ids it names, the status); bodies are never logged.

/** The header a destructive call repeats its operation id in. */
export const CONFIRM_HEADER = 'ory-bff-confirm'

/** Answer headers of Ory's that reach the SPA; Link and Location rewritten, the rest as they came. */
const PASSED_HEADERS = ['content-type', 'x-total-count', 'retry-after', 'etag', 'last-modified'] as const

function routeSchema (entry: AdminOperation, documented: boolean): FastifySchema {
  const { op } = entry
  const response: Record<string, unknown> = {}
  for (const [status, model] of Object.entries(op.responses)) {
    response[status] = model ?? Type.Null({ description: 'No body.' })
  }
  const schema: FastifySchema & { hide?: boolean } = {
    summary: `${op.operationId} (Ory: ${op.method} ${op.path})`,
    description: `Ory's \`${op.operationId}\`, called with the BFF's API key for a signed-in identity that ADMIN_POLICY lets in. ` +
      (entry.destructive ? `Needs the header \`Ory-Bff-Confirm: ${op.operationId}\` (428 without it). ` : '') +
      'The answer is Ory\'s, as it came.',
    tags: [`admin: ${op.group}`],
    operationId: op.operationId,
    response,
    // Operations ADMIN_ALLOW and ADMIN_DENY leave out answer 403; they are not offered in the document.
    ...(documented ? {} : { hide: true })
  }
  const params = paramsSchema(op, 'params')
  const querystring = paramsSchema(op, 'querystring')
  if (params !== undefined) schema.params = params
  if (querystring !== undefined) schema.querystring = querystring
  if (op.body !== undefined) schema.body = op.body.schema
  return schema
}

/** Checks of path and query (as values, see src/admin/params.ts) and of the body, against the spec's schemas. */
function validatorCompiler (byRoute: Map<string, AdminOperation>, references: TSchema[], app: FastifyInstance): FastifySchemaCompiler<TSchema> {
  return ({ schema, method, url, httpPart }) => {
    const entry = byRoute.get(`${method} ${url}`)
    if (entry === undefined) throw new Error(`no admin operation for ${method} ${url}`)
    const { op } = entry
    const check = new LazyCheck(schema, references, app.checks)
    if (httpPart === 'body') {
      const required = op.body?.required === true
      return (data: unknown) => {
        // No body (Fastify gives null for an empty one) where none is needed: nothing is sent to Ory.
        if ((data === undefined || data === null) && !required) return { value: undefined }
        const issues = check.issues(data)
        return issues.length === 0 ? { value: data } : { error: invalidInput('body', issues) }
      }
    }
    const part = httpPart as ParamPart
    return (data: unknown) => {
      const value = coerceParams(op, part, data)
      const issues = check.issues(value).map(issue => explainParamIssue(op, part, issue))
      return issues.length === 0 ? { value } : { error: invalidInput(part, issues) }
    }
  }
}

const FORBIDDEN = 'The requested action was forbidden'

/** What the audit line of a request says it touched, gathered as the call goes. */
const touched = new WeakMap<FastifyRequest, AuditObjects>()

function answerHeaders (op: OperationSpec, headers: Headers, bases: Record<'project' | 'console', LinkBase>): Record<string, string> {
  const out: Record<string, string> = { 'cache-control': 'no-store' }
  for (const name of PASSED_HEADERS) {
    const value = headers[name]
    if (typeof value === 'string') out[name] = value
  }
  const base = bases[op.api]
  const link = headers.link
  if (link !== undefined) {
    const rewritten = rewriteLinkHeader(link, base)
    if (rewritten !== undefined) out.link = rewritten
  }
  const location = headers.location
  if (typeof location === 'string') {
    const rewritten = rewriteOryUrl(location, base)
    if (rewritten !== undefined) out.location = rewritten
  }
  return out
}

export interface AdminRoutesOptions {
  config: Config
  /** The policy cache's clock (tests). */
  now?: () => number
}

/** The operations the routes serve, ADMIN_ALLOW and ADMIN_DENY checked against every admin operation's name. */
export function offeredOperations (config: Config, admin: AdminConfig): { all: AdminOperation[], allowed: Set<string> } {
  // Names are checked against the console's operations too: a list written for a deployment with a workspace key
  // must not stop one without it.
  const { allowed, unknown } = selectOperations(adminOperations({ console: true }), admin.allow, admin.deny)
  if (unknown.length > 0) {
    const variable = admin.allow?.some(name => unknown.includes(name)) === true ? 'ADMIN_ALLOW' : 'ADMIN_DENY'
    throw new ConfigError(variable, `names no admin operation or group: ${unknown.join(', ')} (docs/admin.md lists them)`)
  }
  return { all: adminOperations({ console: config.oryWorkspaceApiKey !== undefined }), allowed }
}

export async function adminRoutes (app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const { config } = options
  const admin = config.admin
  if (admin === undefined) throw new Error('adminRoutes needs ADMIN_API=on')
  const { all, allowed } = offeredOperations(config, admin)
  const guard = new AdminPolicyGuard(admin.policy, { cacheTtlMs: admin.policyCacheTtlMs, now: options.now })
  const audit = app.log.child({ name: 'audit' })
  const bases: Record<'project' | 'console', LinkBase> = {
    project: { oryBase: app.ory.baseUrl('project'), publicUrl: config.publicUrl },
    console: { oryBase: app.ory.baseUrl('console'), publicUrl: config.publicUrl }
  }

  const byRoute = new Map(all.map(entry => [`${entry.op.method} ${entry.url}`, entry]))
  app.setValidatorCompiler(validatorCompiler(byRoute, adminModels(all), app))

  // Per identity, after requireSession; in the app's rate-limit store (Redis, shared by every replica, with REDIS_URL).
  const windowSeconds = Math.round(admin.rateLimit.windowMs / 1000)
  const rateLimit = app.rateLimits.limit({
    name: 'admin',
    max: admin.rateLimit.max,
    windowMs: admin.rateLimit.windowMs,
    key: request => subjectOf(request),
    refusal: after => new HttpError(429, 'Too many admin calls', {
      id: 'admin_rate_limited',
      reason: `This identity may make ${admin.rateLimit.max} admin calls per ${windowSeconds} s; retry in ${after} s.`,
      headers: { 'retry-after': String(after) }
    })
  })

  for (const entry of all) {
    const { op, destructive } = entry
    const offered = allowed.has(op.operationId)
    // The SPA sends JSON; an operation that takes only a form (token introspection) gets the same fields as one, and
    // one that takes text (the OPL syntax check) the JSON string's text.
    const bodyType = op.body?.mediaTypes.includes('application/json') === true
      ? 'json'
      : op.body?.mediaTypes.includes('application/x-www-form-urlencoded') === true ? 'form' : undefined

    app.route({
      method: op.method,
      url: entry.url,
      // No HEAD twin of the GET routes: a HEAD would be a full admin call whose answer is thrown away.
      exposeHeadRoute: false,
      schema: routeSchema(entry, offered),
      onRequest: [requireSession, rateLimit],
      preParsing: async function adminGuard (request: FastifyRequest, _reply: FastifyReply, payload) {
        await guard.check(request)
        if (!offered) {
          throw new HttpError(403, FORBIDDEN, {
            code: ErrorCodes.FORBIDDEN,
            id: 'admin_operation_not_offered',
            reason: `The admin operation ${op.operationId} is not offered here (ADMIN_ALLOW, ADMIN_DENY).`
          })
        }
        if (destructive && request.headers[CONFIRM_HEADER] !== op.operationId) {
          throw new HttpError(428, 'This operation needs a confirmation', {
            id: 'admin_confirmation_required',
            reason: `${op.operationId} removes or overwrites data: send the header Ory-Bff-Confirm: ${op.operationId} to confirm it.`
          })
        }
        return payload
      },
      onResponse: async function auditLine (request: FastifyRequest, reply: FastifyReply) {
        audit.info({
          reqId: request.id,
          identity: request.session?.identity?.id ?? null,
          operation: op.operationId,
          objects: { ...auditObjects(op, request.params, request.query, request.body), ...touched.get(request) },
          status: reply.statusCode
        }, `admin ${op.operationId}`)
      },
      handler: async function adminCall (request: FastifyRequest, reply: FastifyReply) {
        const params = callParams(op, request.params as Record<string, unknown>, request.query as Record<string, unknown>, request.body)
        const answer = await request.ory.call(op, params, { responseType: 'buffer', bodyType })
        const headers = answerHeaders(op, answer.headers, bases)
        // Every admin operation answers JSON (or nothing): anything else is not Ory speaking (an HTML error page of a
        // proxy in between, say) and becomes a 502 in Ory's shape rather than reaching the SPA as if it were.
        if (answer.body.length > 0 && !/^application\/(?:[\w.+-]*\+)?json\b/i.test(headers['content-type'] ?? '')) {
          throw new OryBadResponseError(`Ory answered ${op.operationId} with ${answer.status} and a body that is not JSON`, { operationId: op.operationId, status: answer.status })
        }
        if (op.method === 'POST' && answer.status >= 200 && answer.status < 300 && headers['content-type']?.includes('json') === true) {
          try {
            touched.set(request, createdIds(JSON.parse(answer.body.toString('utf8'))))
          } catch {}
        }
        const effect = SESSION_EFFECTS[op.operationId]
        const id = (request.params as { id?: unknown }).id
        if (effect !== undefined && answer.status >= 200 && answer.status < 300 && typeof id === 'string') {
          await (effect === 'session' ? app.sessions.evictSession(id) : app.sessions.evictIdentity(id))
        }
        reply.code(answer.status).headers(headers)
        return await reply.send(answer.body.length === 0 ? undefined : answer.body)
      }
    })
  }
}
