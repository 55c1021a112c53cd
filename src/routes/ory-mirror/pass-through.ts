import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { PassThroughAllowlist, passThroughEntries, plainSegments, type PassThroughMethod } from '../../mirror/allowlist.js'
import { isForm } from '../../mirror/form.js'
import { upstreamHeaders } from '../../http/headers.js'
import { passThroughOperation } from '../../mirror/operations.js'
import { RETURN_TO_NAMES } from '../../mirror/return-to.js'
import type { ParamSpec } from '../../ory/operation.js'
import type { BodyType } from '../../ory/request.js'
import { HttpError } from '../../errors.js'
import { ClientGone, type Mirror } from './context.js'

/** A query parameter passed through as the browser sent it: one value or several. */
const QUERY_VALUE = Type.Union([Type.String(), Type.Array(Type.String())])

const NOT_FOUND = 'The requested resource could not be found'

/** The e-mails' links, which submit a code or a token with GET: counted per client IP with the flow submits. */
const CODE_LINKS: ReadonlySet<string> = new Set(['mirrorRecoveryLink', 'mirrorVerificationLink'])

/**
 * The few browser paths of Ory that the spec does not list, from an explicit allowlist (src/mirror/allowlist.ts);
 * anything else below the prefix is a 404. The answer streams through unless it has URLs to rewrite.
 */
export function passThroughRoute (app: FastifyInstance, mirror: Mirror, pathPrefix: string, hydraPublicPaths: boolean): void {
  const allowlist = new PassThroughAllowlist(passThroughEntries(hydraPublicPaths))
  const below = `${pathPrefix}/`
  const { perClientIp } = app.rateLimits
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
      if (perClientIp !== undefined && CODE_LINKS.has(entry.id)) await perClientIp(request, reply)

      const params: Record<string, unknown> = {}
      const specs: ParamSpec[] = []
      const search = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1))
      for (const name of new Set(search.keys())) {
        const key = `query${specs.length}`
        const values = search.getAll(name).map(value => RETURN_TO_NAMES.has(name) ? mirror.returnTo(value) : value)
        specs.push({ name, key, in: 'query', required: false, schema: QUERY_VALUE })
        params[key] = values.length === 1 ? values[0] : values
      }
      let bodyType: BodyType | undefined
      if (request.body !== undefined && request.body !== null && method === 'POST') {
        if (!isForm(request.body)) {
          throw new HttpError(415, 'The request body has a media type this endpoint does not accept', { reason: 'These paths take HTML form posts only.' })
        }
        params.body = mirror.bodyReturnTo(request.body)
        bodyType = 'form'
      }
      const path = `/${segments.join('/')}`
      // The allowlist matched the method: GET (for HEAD too) or POST.
      const answer = await app.ory.call(passThroughOperation(entry.id, method as PassThroughMethod, path, specs), params, {
        requestId: request.id,
        headers: upstreamHeaders(request.headers, request.ip, mirror.headerOptions, { sessionToken: false, authorization: entry.authorization === true }),
        bodyType,
        responseType: 'stream',
        // A callback carries a one-time code: sent once, never again after a broken connection.
        retry: false,
        signal: new ClientGone(reply)
      })
      return await mirror.answers.send(request, reply, answer, mirror.route(entry.id, path, entry.cacheable === true))
    }
  })
}
