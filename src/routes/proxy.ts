import { EventEmitter } from 'node:events'
import type { Readable } from 'node:stream'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import { API_ROUTE_METHODS, type ApiRoute } from '../config.js'
import { HttpError, invalidInput } from '../errors.js'
import { sendError } from '../plugins/errors.js'
import { sessionInactive } from '../plugins/session.js'
import { ApiForwarder, apiFailure, bodyTooLarge, limitedBody } from '../proxy/forward.js'
import { forwardRequestHeaders } from '../proxy/headers.js'
import { restPathIssues, splitProxyUrl, upstreamPath } from '../proxy/path.js'

// The SPA's own APIs, under /api/proxy/<name>/*: the call goes on to the route's URL with the user's token instead
// of the browser's cookies, and the API's answer comes back as it is (its 401 and 403 too), streamed both ways.

/** The access token of the request's OAuth2 session (refreshed when due), or undefined when it has none. */
export type OAuth2AccessToken = (request: FastifyRequest, reply: FastifyReply) => Promise<string | undefined>

export interface ProxyRoutesOptions {
  routes: ApiRoute[]
  /** UPSTREAM_TIMEOUT_MS: the longest wait for an API's headers, and the longest silence in its body. */
  timeoutMs: number
  /** BODY_LIMIT_BYTES: the largest body the browser may send, counted as it streams. */
  bodyLimit: number
  /**
   * From the OAuth2 plugin. Throws its BffErrors (401 invalid session cookies, 503 store down, 502/504 refresh
   * failed), which answer the request. Undefined: no route gets an OAuth2 token.
   */
  oauth2AccessToken?: OAuth2AccessToken
  /** A dispatcher of the caller's (tests) instead of one pool per API origin. */
  dispatcher?: Dispatcher
}

const NOT_FOUND = 'The requested resource could not be found'
const NO_BODY_STATUSES = new Set([204, 205, 304])

/** The API's headers set on a reply, so that an error before its body's first byte can take them back. */
const passedHeaders = new WeakMap<FastifyReply, string[]>()

export async function proxyRoutes (app: FastifyInstance, options: ProxyRoutesOptions): Promise<void> {
  const routes = new Map(options.routes.map(route => [route.name, { route, url: new URL(route.url), allow: route.methods.join(', ') }]))
  const forwarder = new ApiForwarder({ timeoutMs: options.timeoutMs, dispatcher: options.dispatcher })
  app.addHook('onClose', async () => await forwarder.close())
  const { bodyLimit, oauth2AccessToken } = options
  const telemetry = app.hasDecorator('telemetry') ? app.telemetry : undefined
  const prefix = app.prefix

  // The browser's body is never parsed nor buffered here: it streams on to the API, whatever its media type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', function passThrough (request, payload, done) {
    const declared = Number(request.headers['content-length'])
    if (declared > bodyLimit) {
      done(bodyTooLarge(bodyLimit), undefined)
      return
    }
    done(null, limitedBody(payload, bodyLimit))
  })

  app.setErrorHandler(function proxyError (err: FastifyError, request, reply) {
    // An API's body that fails before its first byte: the answer becomes an error, without the API's headers.
    const names = passedHeaders.get(reply)
    if (names !== undefined && !reply.raw.headersSent) {
      for (const name of names) {
        reply.removeHeader(name)
        reply.raw.removeHeader(name)
      }
    }
    return sendError(apiFailure(err) ?? err, request, reply)
  })

  /** The user's token for this route, per its `token`; a 401 in Ory's shape (`session_inactive`) when there is none. */
  async function bearer (request: FastifyRequest, reply: FastifyReply, route: ApiRoute): Promise<string> {
    if (route.token !== 'session' && oauth2AccessToken !== undefined) {
      const token = await oauth2AccessToken(request, reply)
      if (token !== undefined) return token
    }
    if (route.token !== 'oauth2' && route.tokenizeAs !== undefined) {
      const credentials = app.sessions.credentials(request.headers)
      if (credentials !== undefined) {
        const jwt = await app.sessionTokens.token(credentials, route.tokenizeAs, request.ory, request.id)
        if (jwt !== undefined) return jwt
      }
    }
    throw sessionInactive()
  }

  async function forward (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const split = splitProxyUrl(request.url, prefix)
    const entry = split === undefined ? undefined : routes.get(split.name)
    if (split === undefined || entry === undefined) {
      throw new HttpError(404, NOT_FOUND, { reason: 'No API is configured under this name (API_ROUTES).' })
    }
    const { route, url, allow } = entry
    if (!route.methods.includes(request.method)) {
      throw new HttpError(405, 'The requested method is not allowed', { reason: `This API takes ${allow}.`, headers: { allow } })
    }
    const issues = restPathIssues(split.target.rest)
    if (issues.length > 0) throw invalidInput('params', issues.map(issue => ({ ...issue, path: '/*' })))

    const token = await bearer(request, reply, route)
    const signal = clientGone(reply)
    const call = {
      origin: url.origin,
      path: upstreamPath(url.pathname.replace(/\/+$/, ''), split.target),
      method: request.method,
      headers: forwardRequestHeaders(request.headers, token, { ip: request.ip, protocol: request.protocol, host: request.host, requestId: request.id }),
      body: request.body as Readable | undefined,
      signal
    }
    // With tracing on, the call is a span of its own, and the API gets its trace context instead of the browser's.
    const answer = telemetry === undefined
      ? await forwarder.forward(call)
      : await telemetry.traceApiCall(route.name, request.method, call.headers, async headers => await forwarder.forward({ ...call, headers }))

    reply.code(answer.status)
    const names = Object.keys(answer.headers)
    reply.headers(answer.headers)
    // A user's answer: no shared cache in front of the BFF keeps it unless the API said it may.
    if (answer.headers['cache-control'] === undefined) {
      reply.header('cache-control', 'no-store')
      names.push('cache-control')
    }
    passedHeaders.set(reply, names)
    if (request.method === 'HEAD' || NO_BODY_STATUSES.has(answer.status)) {
      answer.body.resume()
      return await reply.send()
    }
    return await reply.send(answer.body)
  }

  const schema = {
    summary: 'The SPA\'s API <name>, called with the user\'s token',
    description: 'Forwards to the API_ROUTES entry <name>: the rest of the path as sent (still percent-encoded, no . or .. segments), the query, the body streamed; the browser\'s cookies and Authorization are replaced by `Authorization: Bearer <token>` (OAuth2 access token, or the Ory session tokenized with the route\'s template). The API\'s answer passes through, its Set-Cookie dropped. 401 session_inactive without a token; 404 for an unknown name; 405 for a method the route does not take; 502/504 when the API cannot be reached or does not answer in time.',
    tags: ['proxy']
  }
  for (const url of ['/:name', '/:name/*']) {
    app.route({ method: [...API_ROUTE_METHODS], url, exposeHeadRoute: false, schema, handler: forward })
  }
}

/**
 * Emits `abort` when the browser goes away before its answer is written: the call to the API is cut short with it.
 * undici takes an EventEmitter with `aborted` as a signal; an AbortController per request costs more than that.
 */
class ClientGone extends EventEmitter {
  aborted = false
  reason: unknown = undefined

  abort (): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = new DOMException('The browser went away', 'AbortError')
    this.emit('abort')
  }
}

function clientGone (reply: FastifyReply): ClientGone {
  const signal = new ClientGone()
  const response = reply.raw
  if (response.destroyed) signal.abort()
  else {
    response.once('close', () => {
      if (!response.writableFinished) signal.abort()
    })
  }
  return signal
}
