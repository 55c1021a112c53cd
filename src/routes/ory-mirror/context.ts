import { EventEmitter } from 'node:events'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../config.js'
import type { UpstreamHeaderOptions } from '../../http/headers.js'
import { FlowErrorStore } from '../../mirror/error-store.js'
import { isForm } from '../../mirror/form.js'
import { createReturnToCheck, RETURN_TO_NAMES, shownReturnTo, type ReturnToCheck } from '../../mirror/return-to.js'
import { mirrorUrlRewriter } from '../../mirror/urls.js'
import { HttpError, INVALID_INPUT_MESSAGE, invalidInput } from '../../errors.js'
import { AnswerWriter, type AnswerRoute } from './answer.js'

function returnToForbidden (value: string): HttpError {
  // Quoted, but never whole: a refused value may be of any length (the body limit's), and the reason is logged too.
  return new HttpError(400, INVALID_INPUT_MESSAGE, { id: 'self_service_flow_return_to_forbidden', reason: `Requested return_to URL "${shownReturnTo(value)}" is not allowed.` })
}

/** A route's handler, as the mirror's route builders make them. */
export type MirrorHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>

/** What every route of the mirror shares, made once from the config. */
export class Mirror {
  readonly answers: AnswerWriter
  /** The errors of the browser navigations the mirror refused, for the error UI to read (see error-ui.ts). */
  readonly errors = new FlowErrorStore()
  readonly headerOptions: UpstreamHeaderOptions
  readonly maxBufferBytes: number
  readonly #checkReturnTo: ReturnToCheck
  readonly #oryUrl: string

  constructor (config: Config) {
    this.answers = new AnswerWriter(mirrorUrlRewriter(config), config.cookieRewriter, config.mirrorMaxBufferBytes)
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

  /**
   * A `return_to` in a body (a flow update's: Ory's have none today, a later spec may; a form posted to a
   * pass-through path) is checked like the query's.
   */
  bodyReturnTo (body: Record<string, unknown>): Record<string, unknown> {
    let checked = body
    for (const name of RETURN_TO_NAMES) {
      const value = body[name]
      if (value === undefined) continue
      if (typeof value !== 'string') throw invalidInput('body', [{ path: `/${name}`, message: 'Expected string' }])
      const allowed = this.returnTo(value)
      if (allowed !== value) checked = isForm(body) ? Object.assign(body, { [name]: allowed }) : { ...checked, [name]: allowed }
    }
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
