import { EventEmitter } from 'node:events'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../config.js'
import { mirroredRoots } from '../../mirror/allowlist.js'
import type { UpstreamHeaderOptions } from '../../http/headers.js'
import { createReturnToCheck, type ReturnToCheck } from '../../mirror/return-to.js'
import { UrlRewriter } from '../../mirror/urls.js'
import { HttpError, INVALID_INPUT_MESSAGE } from '../../errors.js'
import { AnswerWriter, type AnswerRoute } from './answer.js'

function returnToForbidden (value: string): HttpError {
  const shown = value.length > 200 ? `${value.slice(0, 197)}...` : value
  return new HttpError(400, INVALID_INPUT_MESSAGE, { id: 'self_service_flow_return_to_forbidden', reason: `Requested return_to URL "${shown}" is not allowed.` })
}

/** A route's handler, as the mirror's route builders make them. */
export type MirrorHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>

/** What every route of the mirror shares, made once from the config. */
export class Mirror {
  readonly answers: AnswerWriter
  readonly headerOptions: UpstreamHeaderOptions
  readonly maxBufferBytes: number
  readonly #checkReturnTo: ReturnToCheck
  readonly #oryUrl: string

  constructor (config: Config) {
    const rewriter = new UrlRewriter({ oryBases: [config.oryUrl, ...config.oryCustomDomains], publicBase: config.publicOryUrl, roots: mirroredRoots(config.hydraPublicPaths) })
    this.answers = new AnswerWriter(rewriter, config.cookieRewriter, config.mirrorMaxBufferBytes)
    this.headerOptions = config.oryHeaderOptions
    this.maxBufferBytes = config.mirrorMaxBufferBytes
    this.#checkReturnTo = createReturnToCheck(config.allowedReturnUrls, config.publicUrl)
    this.#oryUrl = config.oryUrl
  }

  /** The answer's context for an upstream path. */
  route (operationId: string, path: string, cacheable: boolean): AnswerRoute {
    return { operationId, from: `${this.#oryUrl}${path}`, cacheable }
  }

  returnTo (value: string): string {
    const checked = this.#checkReturnTo(value)
    if (checked === undefined) throw returnToForbidden(value)
    return checked
  }
}

/**
 * Fires `abort` when the browser goes away before its answer is written, so that the call to Ory is cut short too
 * instead of running on for nobody. An EventEmitter rather than an AbortController: one is made per request.
 */
export class ClientGone extends EventEmitter {
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
