import { Type, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance, FastifySchema, FastifySchemaCompiler, RouteGenericInterface } from 'fastify'
import type { Config } from '../../config.js'
import { FlowBodyValidator } from '../../mirror/flow-body.js'
import { FORM_MEDIA_TYPE, formDepthExceeds, isForm, parseForm } from '../../mirror/form.js'
import { CACHEABLE_OPERATIONS, mirroredOperations, routePath } from '../../mirror/operations.js'
import { RETURN_TO_NAMES } from '../../mirror/return-to.js'
import { isSecurePrefixed } from '../../http/cookies.js'
import { upstreamHeaders } from '../../http/headers.js'
import { valueDepthExceeds } from '../../http/json-depth.js'
import type { BodyType } from '../../ory/request.js'
import type { OperationSpec } from '../../ory/operation.js'
import { HttpError, invalidInput, type Issue } from '../../errors.js'
import { LazyCheck, type CheckRegistry } from '../../schemas/check.js'
import { validatorCompiler as routeValidatorCompiler } from '../validation.js'
import type { AnswerRoute } from './answer.js'
import { ClientGone, Mirror, type MirrorHandler } from './context.js'
import { errorUiHandler, flowErrorHandler } from './error-ui.js'
import { passThroughRoute } from './pass-through.js'
import { whoamiHandler } from './whoami.js'

// Ory's browser-facing API on the BFF's own origin, under ORY_PATH_PREFIX: one route per operation of the spec's
// frontend group and the identity schemas, each with schemas for its query, path and body and each sent through the
// typed client; and one guarded pass-through for the few browser paths of Kratos (and, opted in, Hydra) that the spec
// does not list. Cookies, redirects and Ory's URLs in bodies are rewritten for the BFF's origin on the way back.

export interface OryMirrorOptions {
  config: Config
}

// Path parameters are ids (UUIDs, base64url schema ids): one plain segment, never a dot segment.
const PATH_PARAMETER = Type.String({ pattern: '^(?!\\.\\.?$)[A-Za-z0-9._~:=+-]{1,256}$' })
const QUERY_VALUE = Type.String({ maxLength: 8192 })
const BODY_MODEL = 'x-ory-model'
/** The flow submits limited per client IP and per identifier. */
const LIMITED_OPERATIONS: ReadonlySet<string> = new Set(['updateLoginFlow', 'updateRegistrationFlow', 'updateRecoveryFlow', 'updateVerificationFlow'])

/** The one problem of a body nested deeper than JSON_MAX_DEPTH. */
function tooDeep (maxDepth: number): Issue[] {
  return [{ path: '', message: `Expected nesting at most ${maxDepth} levels deep` }]
}

/**
 * Query and path parameters are checked with TypeBox, in the app's registry (see src/schemas/check.ts); bodies with
 * the flow body validators (see src/mirror/flow-body.ts). Either way a problem is the one 400 for invalid input.
 */
function validatorCompiler (bodies: ReadonlyMap<string, FlowBodyValidator>, checks: CheckRegistry, maxDepth: number): FastifySchemaCompiler<TSchema> {
  return routeValidatorCompiler((schema, part) => {
    if (part === 'body') {
      const validator = bodies.get((schema as Record<string, unknown>)[BODY_MODEL] as string)
      if (validator === undefined) throw new Error(`the body schema names no Ory model (${BODY_MODEL})`)
      // The validator and the request's JSON.stringify recurse: whatever parser made the body, a body too deep for
      // them never reaches them (the check itself is a loop).
      return value => valueDepthExceeds(value, maxDepth) ? tooDeep(maxDepth) : validator.validate(value)
    }
    const lazy = new LazyCheck(schema, [], checks)
    return value => lazy.issues(value)
  })
}

function routeSchema (op: OperationSpec): FastifySchema {
  const query = op.params.filter(param => param.in === 'query')
  const path = op.params.filter(param => param.in === 'path')
  const schema: FastifySchema = {
    summary: `Ory's ${op.operationId} (${op.method} ${op.path}), mirrored`,
    description: 'Sent to Ory with the browser\'s Ory cookies; Set-Cookie, Location and Ory\'s URLs in the answer rewritten for this origin.',
    tags: ['ory']
  }
  if (query.length > 0) {
    schema.querystring = Type.Object(Object.fromEntries(query.map(param => [param.name, param.required ? QUERY_VALUE : Type.Optional(QUERY_VALUE)])))
  }
  if (path.length > 0) schema.params = Type.Object(Object.fromEntries(path.map(param => [param.name, PATH_PARAMETER])))
  if (op.body !== undefined) {
    const model = (op.body.schema as { $ref?: string }).$ref!
    schema.body = {
      type: 'object',
      description: `Ory's ${model}${op.body.mediaTypes.includes(FORM_MEDIA_TYPE) ? ', as JSON or as an HTML form' : ''}`,
      [BODY_MODEL]: model
    }
  }
  return schema
}

export async function oryMirrorRoutes (app: FastifyInstance, { config }: OryMirrorOptions): Promise<void> {
  const mirror = new Mirror(config)
  const operations = mirroredOperations()
  const bodies = new Map<string, FlowBodyValidator>()
  for (const op of operations) {
    const model = (op.body?.schema as { $ref?: string } | undefined)?.$ref
    if (model !== undefined && !bodies.has(model)) bodies.set(model, new FlowBodyValidator(model, app.checks))
  }

  app.addContentTypeParser(FORM_MEDIA_TYPE, { parseAs: 'string' }, function parseFormBody (_request, body, done) {
    const fields = parseForm(body as string)
    // A dotted key stands for nesting: one too deep is refused before the nested reading of the form is built.
    if (formDepthExceeds(fields, config.jsonMaxDepth)) done(invalidInput('body', tooDeep(config.jsonMaxDepth)))
    else done(null, fields)
  })
  app.setValidatorCompiler(validatorCompiler(bodies, app.checks, config.jsonMaxDepth))
  app.setErrorHandler(errorUiHandler(mirror.errors, config.errorUiUrl))

  const { perClientIp, perIdentifier } = app.rateLimits
  for (const op of operations) {
    const route = mirror.route(op.operationId, op.path, CACHEABLE_OPERATIONS.has(op.operationId))
    // The submits that guess passwords and codes, or make Ory send mail: per client IP before the body is read, per
    // identifier once it is parsed (docs/rate-limits.md).
    const limited = LIMITED_OPERATIONS.has(op.operationId)
    const byIdentifier = limited ? perIdentifier(op.operationId) : undefined
    let viaOry = operationHandler(app, op, mirror, route)
    if (op.operationId === 'getFlowError') viaOry = flowErrorHandler(mirror.errors, viaOry)
    app.route<RouteGenericInterface, { operationId: string }>({
      method: op.method,
      url: routePath(op),
      schema: routeSchema(op),
      // Named for hooks of other plugins (the session plugin evicts on the logout operations).
      config: { operationId: op.operationId },
      ...(limited && perClientIp !== undefined ? { onRequest: perClientIp } : {}),
      ...(byIdentifier === undefined ? {} : { preValidation: byIdentifier }),
      // Whoami goes through the session checker (one call per session at a time, positive answers cached briefly).
      handler: op.operationId === 'toSession' && app.hasDecorator('sessions') ? whoamiHandler(app, app.sessions, mirror, route, viaOry) : viaOry
    })
  }

  passThroughRoute(app, mirror, config.oryPathPrefix, config.hydraPublicPaths)

  // Ory's `__Secure-`/`__Host-` cookies keep Secure over http (see rewriteSetCookie): browsers take them on
  // http://localhost only, so on any other plain-http origin they silently never set. Said once, at start-up.
  const prefixed = config.oryCookiePattern.filter(isSecurePrefixed)
  const publicUrl = new URL(config.publicUrl)
  if (prefixed.length > 0 && publicUrl.protocol === 'http:' && !isLoopback(publicUrl.hostname)) {
    app.log.warn({ cookies: prefixed, publicUrl: publicUrl.origin }, 'Ory\'s __Secure-/__Host- cookies need https or http://localhost: on this origin the browser will refuse them')
  }
}

/** Hosts that Chromium and Firefox treat as secure contexts over plain http. */
function isLoopback (hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

/** An operation of the table, sent to Ory through the typed client with the browser's query, path and body. */
function operationHandler (app: FastifyInstance, op: OperationSpec, mirror: Mirror, route: AnswerRoute): MirrorHandler {
  const queryParams = op.params.filter(param => param.in === 'query').map(param => ({ ...param, returnTo: RETURN_TO_NAMES.has(param.name) }))
  const pathParams = op.params.filter(param => param.in === 'path')
  const sessionToken = op.params.some(param => param.in === 'header' && param.name.toLowerCase() === 'x-session-token')

  return async function mirrorOperation (request, reply) {
    const query = request.query as Record<string, string | undefined>
    const params: Record<string, unknown> = {}
    for (const param of queryParams) {
      const value = query[param.name]
      if (value !== undefined) params[param.key] = param.returnTo ? mirror.returnTo(value) : value
    }
    const path = request.params as Record<string, string>
    for (const param of pathParams) params[param.key] = path[param.name]
    let bodyType: BodyType | undefined
    if (op.body !== undefined && request.body !== undefined && request.body !== null) {
      const form = isForm(request.body)
      if (form && !op.body.mediaTypes.includes(FORM_MEDIA_TYPE)) {
        throw new HttpError(415, 'The request body has a media type this endpoint does not accept', { reason: `${op.operationId} takes JSON only.` })
      }
      params.body = mirror.bodyReturnTo(request.body as Record<string, unknown>)
      bodyType = form ? 'form' : 'json'
    }
    // The app's client with the request's id (rather than request.ory: no per-request view of the client to make).
    const answer = await app.ory.call(op, params, {
      requestId: request.id,
      headers: upstreamHeaders(request.headers, request.ip, mirror.headerOptions, { sessionToken, authorization: false }),
      bodyType,
      responseType: 'buffer',
      maxResponseBytes: mirror.maxBufferBytes,
      signal: new ClientGone(reply)
    })
    return await mirror.answers.send(request, reply, answer, route)
  }
}
