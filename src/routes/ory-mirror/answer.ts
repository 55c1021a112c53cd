import type { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { decodeContent } from '../../http/content.js'
import type { CookieRewriter } from '../../http/cookie-rewriter.js'
import { PASSED_RESPONSE_HEADERS } from '../../http/headers.js'
import type { UrlRewriter } from '../../mirror/urls.js'
import type { OryRawResponse } from '../../ory/client.js'
import { isJson, readBody } from '../../ory/response.js'

// Ory's answer on its way back to the browser: only the allowed headers, Set-Cookie, Location and Link rewritten for
// the BFF's origin, the body decoded and Ory's URLs in JSON rewritten, at most MIRROR_MAX_BUFFER_BYTES read.

/** What the answer of a route needs to know of it. */
export interface AnswerRoute {
  operationId: string
  /** The upstream URL of the answer, against which relative URLs in it resolve. */
  from: string
  cacheable: boolean
}

export type Answer = OryRawResponse<Buffer> | OryRawResponse<Readable>

export class AnswerWriter {
  readonly #rewriter: UrlRewriter
  readonly #cookies: CookieRewriter
  readonly #maxBufferBytes: number

  constructor (rewriter: UrlRewriter, cookies: CookieRewriter, maxBufferBytes: number) {
    this.#rewriter = rewriter
    this.#cookies = cookies
    this.#maxBufferBytes = maxBufferBytes
  }

  /**
   * Ory's answer as the browser must get it: allowed headers, rewritten cookies and URLs, the body capped.
   * `rewritten`: the body's URLs are the browser's already (whoami answers in the form the session cache keeps).
   */
  async send (request: FastifyRequest, reply: FastifyReply, answer: Answer, route: AnswerRoute, rewritten = false): Promise<FastifyReply> {
    // The body first, the status and headers after: a body that fails before the browser has a byte of the answer
    // (Ory stalls, the connection breaks, it is too large) is an error of its own, with none of Ory's headers on it.
    // Read whole already and not encoded (the common case): no promise for the body.
    const body = Buffer.isBuffer(answer.body) && !isEncoded(answer.headers['content-encoding'])
      ? this.#plain(answer.body, answer.headers['content-type'], route, rewritten)
      : await this.#body(request, answer, route, rewritten)
    const { headers } = answer
    reply.code(answer.status)
    for (const name of PASSED_RESPONSE_HEADERS) {
      const value = headers[name]
      if (value !== undefined) reply.header(name, value)
    }
    if (typeof headers.location === 'string') reply.header('location', this.#rewriter.location(headers.location, route.from))
    if (typeof headers.link === 'string') reply.header('link', this.#rewriter.link(headers.link, route.from))
    const cookies = headers['set-cookie']
    const setsCookies = Array.isArray(cookies) && cookies.length > 0
    if (setsCookies) reply.header('set-cookie', this.#cookies.rewrite(cookies, request))
    if (!route.cacheable || setsCookies) reply.header('cache-control', 'no-store')
    return await reply.send(body)
  }

  /** The body to send: rewritten JSON as a string, other bytes as they are, a stream, or undefined for none. */
  async #body (request: FastifyRequest, answer: Answer, route: AnswerRoute, rewritten: boolean): Promise<Buffer | string | Readable | undefined> {
    const { headers } = answer
    const contentType = headers['content-type']
    const encoding = typeof headers['content-encoding'] === 'string' ? headers['content-encoding'].trim().toLowerCase() : ''
    const encoded = isEncoded(encoding)
    let body: Buffer
    if (Buffer.isBuffer(answer.body)) {
      body = answer.body
    } else {
      const stream = answer.body
      if (!encoded && !isJson(contentType)) {
        // Nothing to rewrite: it streams through (a HEAD answer has no body to stream). It starts once its first bytes
        // are in: until then a failure is still an answer of its own (a 502 or 504); after, the status line is on the
        // wire, and Fastify cuts the connection so that the browser sees a broken answer, never a short one.
        if (request.method === 'HEAD') {
          stream.destroy()
          return undefined
        }
        return await started(stream) ? stream : undefined
      }
      body = await readBody(stream, this.#maxBufferBytes, { operationId: route.operationId, status: answer.status, contentLength: headers['content-length'] })
    }
    if (encoded) body = await decodeContent(body, encoding, this.#maxBufferBytes, route.operationId)
    return this.#plain(body, contentType, route, rewritten)
  }

  /** A whole, decoded body as it is sent: JSON with its URLs rewritten, nothing for no bytes. */
  #plain (body: Buffer, contentType: string | string[] | undefined, route: AnswerRoute, rewritten: boolean): Buffer | string | undefined {
    if (body.length === 0) return undefined
    if (rewritten || !isJson(contentType)) return body
    // Rewritten JSON is a string, written to the socket as it is.
    return this.#rewriter.json(body, route.from, route.operationId) ?? body
  }
}

/** Whether a Content-Encoding names a coding (anything but none or `identity`). */
function isEncoded (value: string | string[] | undefined): boolean {
  if (typeof value !== 'string') return false
  const encoding = value.trim().toLowerCase()
  return encoding !== '' && encoding !== 'identity'
}

/**
 * Resolves once the stream has its first bytes (true: they wait in it, to be read again) or has ended without any
 * (false); rejects with its error. The error listener stays: an error before Fastify listens is not an uncaught one.
 */
async function started (stream: Readable): Promise<boolean> {
  return await new Promise<boolean>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      stream.off('end', onEnd)
      stream.off('data', onData)
      stream.pause()
      stream.unshift(chunk)
      resolve(true)
    }
    const onEnd = (): void => {
      stream.off('data', onData)
      resolve(false)
    }
    stream.on('data', onData)
    stream.once('end', onEnd)
    stream.on('error', reject)
  })
}
