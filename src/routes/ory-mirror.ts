import { EventEmitter } from 'node:events'
import type { Readable } from 'node:stream'
import { Type, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, FastifySchemaCompiler } from 'fastify'
import type { Config } from '../config.js'
import type { CookieRewriter } from '../mirror/cookie-rewriter.js'
import { decodeContent } from '../mirror/content.js'
import { FlowBodyValidator, type BodyIssue } from '../mirror/flow-body.js'
import { FORM_MEDIA_TYPE, isForm, parseForm } from '../mirror/form.js'
import { PASSED_RESPONSE_HEADERS, upstreamHeaders, type UpstreamHeaderOptions } from '../mirror/headers.js'
import { CACHEABLE_OPERATIONS, mirroredOperations, passThroughOperation, routePath } from '../mirror/operations.js'
import { mirroredRoots, PassThroughAllowlist, passThroughEntries, plainSegments, type PassThroughMethod } from '../mirror/allowlist.js'
import { createReturnToCheck, RETURN_TO_NAMES, type ReturnToCheck } from '../mirror/return-to.js'
import { UrlRewriter } from '../mirror/urls.js'
import type { OryRawResponse } from '../ory/client.js'
import type { BodyType } from '../ory/request.js'
import type { OperationSpec, ParamSpec } from '../ory/operation.js'
import { isJson, readBody } from '../ory/response.js'
import { HttpError } from '../plugins/errors.js'
import { LazyCheck } from './lazy-check.js'

// Ory's browser-facing API on the BFF's own origin, under ORY_PATH_PREFIX: one route per operation of the spec's
// frontend group and the identity schemas, each with schemas for its query, path and body and each sent through the
// typed client; and one guarded pass-through for the few browser paths of Kratos (and, opted in, Hydra) that the spec
// does not list. Cookies, redirects and Ory's URLs in bodies are rewritten for the BFF's origin on the way back.

export interface OryMirrorOptions {
  config: Config
}

const BAD_REQUEST = 'The request was malformed or contained invalid parameters'
const NOT_FOUND = 'The requested resource could not be found'
// Path parameters are ids (UUIDs, base64url schema ids): one plain segment, never a dot segment.
const PATH_PARAMETER = Type.String({ pattern: '^(?!\\.\\.?$)[A-Za-z0-9._~:=+-]{1,256}$' })
const QUERY_VALUE = Type.String({ maxLength: 8192 })
const BODY_MODEL = 'x-ory-model'

interface RouteContext {
  operationId: string
  /** The upstream URL of the answer, against which relative URLs in it resolve. */
  from: string
  cacheable: boolean
  /**
   * Whether the same body may come again (whoami answers from the session checker's cache): its rewritten form is
   * then kept with it instead of being made per request.
   */
  sharedBodies?: boolean
}

type Answer = OryRawResponse<Buffer> | OryRawResponse<Readable>

/** 400 in Ory's shape, with the JSON path of each problem in `details.errors`. */
function invalid (part: string, issues: readonly BodyIssue[]): HttpError {
  return new HttpError(400, BAD_REQUEST, {
    reason: issues.map(issue => `${part}${issue.path} ${issue.message}`).join('; '),
    details: { errors: issues.map(issue => ({ in: part, path: issue.path === '' ? '/' : issue.path, message: issue.message })) }
  })
}

function returnToForbidden (value: string): HttpError {
  const shown = value.length > 200 ? `${value.slice(0, 197)}...` : value
  return new HttpError(400, BAD_REQUEST, { id: 'self_service_flow_return_to_forbidden', reason: `Requested return_to URL "${shown}" is not allowed.` })
}

/**
 * Fires `abort` when the browser goes away before its answer is written, so that the call to Ory is cut short too
 * instead of running on for nobody. An EventEmitter rather than an AbortController: one is made per request.
 */
class ClientGone extends EventEmitter {
  aborted = false
  readonly reason = undefined
  readonly #response: FastifyReply['raw']

  constructor (reply: FastifyReply) {
    super()
    const response = reply.raw
    this.#response = response
    if (response.destroyed) this.aborted = true
    else response.once('close', this.#onClose)
  }

  readonly #onClose = (): void => {
    if (this.#response.writableFinished) return
    this.aborted = true
    this.emit('abort')
  }
}

class Mirror {
  readonly rewriter: UrlRewriter
  readonly checkReturnTo: ReturnToCheck
  readonly headerOptions: UpstreamHeaderOptions
  readonly maxBufferBytes: number
  readonly #cookies: CookieRewriter
  readonly #oryUrl: string
  readonly #rewritten = new WeakMap<Buffer, Buffer | string>()

  constructor (config: Config) {
    this.rewriter = new UrlRewriter({ oryBases: [config.oryUrl, ...config.oryCustomDomains], publicBase: config.publicOryUrl, roots: mirroredRoots(config.hydraPublicPaths) })
    this.checkReturnTo = createReturnToCheck(config.allowedReturnUrls, config.publicUrl)
    this.headerOptions = { isOryCookie: config.isOryCookie, rewriteBase: config.publicOryUrl, apiKey: config.oryApiKey }
    this.maxBufferBytes = config.mirrorMaxBufferBytes
    this.#cookies = config.cookieRewriter
    this.#oryUrl = config.oryUrl
  }

  upstreamUrl (path: string): string {
    return `${this.#oryUrl}${path}`
  }

  returnTo (value: string): string {
    const checked = this.checkReturnTo(value)
    if (checked === undefined) throw returnToForbidden(value)
    return checked
  }

  /** Ory's answer as the browser must get it: allowed headers, rewritten cookies and URLs, the body capped. */
  async respond (request: FastifyRequest, reply: FastifyReply, answer: Answer, route: RouteContext): Promise<FastifyReply> {
    const { headers } = answer
    reply.code(answer.status)
    for (const name of PASSED_RESPONSE_HEADERS) {
      const value = headers[name]
      if (value !== undefined) reply.header(name, value)
    }
    if (typeof headers.location === 'string') reply.header('location', this.rewriter.location(headers.location, route.from))
    if (typeof headers.link === 'string') reply.header('link', this.rewriter.link(headers.link, route.from))
    const cookies = headers['set-cookie']
    const setsCookies = Array.isArray(cookies) && cookies.length > 0
    if (setsCookies) reply.header('set-cookie', this.#cookies.rewrite(cookies, request))
    if (!route.cacheable || setsCookies) reply.header('cache-control', 'no-store')

    const contentType = headers['content-type']
    const encoding = typeof headers['content-encoding'] === 'string' ? headers['content-encoding'].trim().toLowerCase() : ''
    const encoded = encoding !== '' && encoding !== 'identity'
    let body: Buffer
    if (Buffer.isBuffer(answer.body)) {
      body = answer.body
    } else {
      const stream = answer.body
      if (!encoded && !isJson(contentType)) {
        // Nothing to rewrite: it streams through (a HEAD answer has no body to stream).
        if (request.method === 'HEAD') {
          stream.destroy()
          return await reply.send()
        }
        return await reply.send(stream)
      }
      body = await readBody(stream, this.maxBufferBytes, { operationId: route.operationId, status: answer.status, contentLength: headers['content-length'] })
    }
    if (encoded) body = await decodeContent(body, encoding, this.maxBufferBytes, route.operationId)
    if (body.length === 0) return await reply.send()
    if (!isJson(contentType)) return await reply.send(body)
    // Rewritten JSON is a string, written to the socket as it is.
    // A body from the session cache comes again and again: its rewritten form is kept with it. A fresh one is not
    // kept: a WeakMap entry per request would carry every answer into the old generation.
    const shared = route.sharedBodies === true && (answer as { cached?: unknown }).cached === true
    return await reply.send(shared ? this.#rewriteShared(body, route) : this.rewriter.json(body, route.from, route.operationId) ?? body)
  }

  /** Ory's body as the browser gets it, made once per body: the key is the body itself, so it goes when the body does. */
  #rewriteShared (body: Buffer, route: RouteContext): Buffer | string {
    let rewritten = this.#rewritten.get(body)
    if (rewritten === undefined) {
      rewritten = this.rewriter.json(body, route.from, route.operationId) ?? body
      this.#rewritten.set(body, rewritten)
    }
    return rewritten
  }
}

/**
 * Query and path parameters are checked with TypeBox, compiled once (see lazy-check.ts); bodies with the flow
 * body validators (see src/mirror/flow-body.ts). Either way a problem is a 400 in Ory's shape with its JSON path.
 */
function validatorCompiler (bodies: ReadonlyMap<string, FlowBodyValidator>): FastifySchemaCompiler<TSchema> {
  return ({ schema, httpPart }) => {
    const part = httpPart ?? 'body'
    if (part === 'body') {
      const validator = bodies.get((schema as Record<string, unknown>)[BODY_MODEL] as string)
      if (validator === undefined) throw new Error(`the body schema names no Ory model (${BODY_MODEL})`)
      return (data: unknown) => {
        const issues = validator.validate(data)
        return issues.length === 0 ? { value: data } : { error: invalid('body', issues) }
      }
    }
    const lazy = new LazyCheck(schema)
    return (data: unknown) => {
      const issues = lazy.issues(data)
      return issues.length === 0 ? { value: data } : { error: invalid(part, issues) }
    }
  }
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
    if (model !== undefined && !bodies.has(model)) bodies.set(model, new FlowBodyValidator(model))
  }

  app.addContentTypeParser(FORM_MEDIA_TYPE, { parseAs: 'string' }, function parseFormBody (_request, body, done) {
    done(null, parseForm(body as string))
  })
  app.setValidatorCompiler(validatorCompiler(bodies))

  for (const op of operations) {
    const queryParams = op.params.filter(param => param.in === 'query').map(param => ({ ...param, returnTo: RETURN_TO_NAMES.has(param.name) }))
    const pathParams = op.params.filter(param => param.in === 'path')
    const sessionToken = op.params.some(param => param.in === 'header' && param.name.toLowerCase() === 'x-session-token')
    const route: RouteContext = { operationId: op.operationId, from: mirror.upstreamUrl(op.path), cacheable: CACHEABLE_OPERATIONS.has(op.operationId), sharedBodies: op.operationId === 'toSession' }
    // Whoami goes through the session checker (one call per session at a time, positive answers cached briefly).
    const sessions = op.operationId === 'toSession' && app.hasDecorator('sessions') ? app.sessions : undefined

    app.route({
      method: op.method,
      url: routePath(op),
      schema: routeSchema(op),
      // Named for hooks of other plugins (the session plugin evicts on the logout operations).
      config: { operationId: op.operationId },
      handler: async function mirrorOperation (request, reply) {
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
          params.body = checkBodyReturnTo(request.body as Record<string, unknown>, mirror)
          bodyType = form ? 'form' : 'json'
        }
        const shared = sessions === undefined || query.tokenize_as !== undefined ? undefined : sessions.credentials(request)
        // The app's client with the request's id (rather than request.ory: no per-request view of the client to make).
        if (shared !== undefined) return await mirror.respond(request, reply, await sessions!.lookup(shared, app.ory, request.id), route)
        const answer = await app.ory.call(op, params, {
          requestId: request.id,
          headers: upstreamHeaders(request, mirror.headerOptions, { sessionToken, authorization: false }),
          bodyType,
          responseType: 'buffer',
          maxResponseBytes: mirror.maxBufferBytes,
          signal: new ClientGone(reply)
        })
        return await mirror.respond(request, reply, answer, route)
      }
    })
  }

  const allowlist = new PassThroughAllowlist(passThroughEntries(config.hydraPublicPaths))
  const below = `${config.oryPathPrefix}/`
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    schema: {
      summary: 'Ory\'s browser paths outside the spec, from an allowlist',
      description: 'OIDC and SAML callbacks, the GET links of recovery and verification e-mails, /.well-known/change-password, and with HYDRA_PUBLIC_PATHS=true Hydra\'s public browser endpoints. Anything else is a 404.',
      tags: ['ory']
    },
    handler: async function mirrorPassThrough (request, reply) {
      const url = request.url
      const mark = url.indexOf('?')
      const rawPath = mark === -1 ? url : url.slice(0, mark)
      const segments = rawPath.startsWith(below) ? plainSegments(rawPath.slice(below.length)) : undefined
      const method = request.method === 'HEAD' ? 'GET' : request.method
      const entry = segments === undefined ? undefined : allowlist.match(method, segments)
      if (segments === undefined || entry === undefined) throw new HttpError(404, NOT_FOUND)

      const params: Record<string, unknown> = {}
      const specs: ParamSpec[] = []
      const search = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1))
      for (const name of new Set(search.keys())) {
        const key = `query${specs.length}`
        const values = search.getAll(name).map(value => RETURN_TO_NAMES.has(name) ? mirror.returnTo(value) : value)
        specs.push({ name, key, in: 'query', required: false })
        params[key] = values.length === 1 ? values[0] : values
      }
      let bodyType: BodyType | undefined
      if (request.body !== undefined && request.body !== null && method === 'POST') {
        if (!isForm(request.body)) {
          throw new HttpError(415, 'The request body has a media type this endpoint does not accept', { reason: 'These paths take HTML form posts only.' })
        }
        params.body = request.body
        bodyType = 'form'
      }
      const path = `/${segments.join('/')}`
      // The allowlist matched the method: GET (for HEAD too) or POST.
      const answer = await app.ory.call(passThroughOperation(entry.id, method as PassThroughMethod, path, specs), params, {
        requestId: request.id,
        headers: upstreamHeaders(request, mirror.headerOptions, { sessionToken: false, authorization: entry.authorization === true }),
        bodyType,
        responseType: 'stream',
        // A callback carries a one-time code: sent once, never again after a broken connection.
        retry: false,
        signal: new ClientGone(reply)
      })
      return await mirror.respond(request, reply, answer, { operationId: entry.id, from: mirror.upstreamUrl(path), cacheable: entry.cacheable === true })
    }
  })
}

/** A `return_to` in a flow body (Ory's update bodies have none today, a later spec may) is checked like the query's. */
function checkBodyReturnTo (body: Record<string, unknown>, mirror: Mirror): Record<string, unknown> {
  let checked = body
  for (const name of RETURN_TO_NAMES) {
    const value = body[name]
    if (value === undefined) continue
    if (typeof value !== 'string') throw invalid('body', [{ path: `/${name}`, message: 'Expected string' }])
    const allowed = mirror.returnTo(value)
    if (allowed !== value) checked = isForm(body) ? Object.assign(body, { [name]: allowed }) : { ...checked, [name]: allowed }
  }
  return checked
}
