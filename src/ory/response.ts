import { util, type Dispatcher } from 'undici'
import { OryBadResponseError } from './errors.js'

function tooLarge (operationId: string, status: number, limit: number): OryBadResponseError {
  return new OryBadResponseError(
    `Ory's answer to ${operationId} is larger than the limit of ${limit} bytes`,
    { operationId, status, reason: 'The upstream response was too large.' }
  )
}

/** Reads a body up to `limit` bytes; a larger one is abandoned (and its connection with it). */
export async function readBody (
  body: AsyncIterable<Buffer> & { destroy?: (err?: Error) => unknown },
  limit: number,
  context: { operationId: string, status: number, contentLength?: string | string[] }
): Promise<Buffer> {
  const declared = Number(context.contentLength)
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy?.()
    throw tooLarge(context.operationId, context.status, limit)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > limit) {
      body.destroy?.()
      throw tooLarge(context.operationId, context.status, limit)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}

export function isJson (contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType
  if (value === undefined) return false
  if (value.startsWith('application/json')) {
    const next = value.charCodeAt(16)
    // `application/json`, `application/json; charset=utf-8`, `application/json ;…`: the common cases, without a copy.
    if (Number.isNaN(next) || next === 59 || next === 32) return true
  }
  const end = value.indexOf(';')
  const type = (end === -1 ? value : value.slice(0, end)).trim().toLowerCase()
  return type === 'application/json' || type.endsWith('+json')
}

/** JSON bodies are parsed, other bodies returned as text, empty bodies as `undefined`. */
export function decodeBody (
  raw: Buffer,
  contentType: string | string[] | undefined,
  context: { operationId: string, status: number }
): unknown {
  if (raw.length === 0) return undefined
  const text = raw.toString('utf8')
  if (!isJson(contentType)) return text
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw new OryBadResponseError(`Ory's answer to ${context.operationId} (${context.status}) is not valid JSON`, {
      cause,
      operationId: context.operationId,
      status: context.status,
      reason: 'The upstream response was malformed.'
    })
  }
}

/** What `collect` resolves with: the status, the headers as undici parses them, and the whole body. */
export interface CollectedResponse {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
}

/** Where a collected call learns how to cut its request short, and whether it already was. */
export interface Abortable {
  readonly aborted: boolean
  readonly reason: unknown
  /** The in-flight request's abort, while there is one. */
  current: ((reason: unknown) => void) | undefined
}

/**
 * An undici dispatch handler that gathers the answer into one Buffer, up to `limit` bytes: no body stream, no async
 * iterator and no AbortSignal per call, which is what undici's `request()` costs on the hot path.
 */
class Collector implements Dispatcher.DispatchHandler {
  status = 0
  headers: Record<string, string | string[]> = {}
  readonly #chunks: Buffer[] = []
  #size = 0
  #abort: ((reason: unknown) => void) | undefined
  readonly #limit: number
  readonly #operationId: string
  readonly #state: Abortable
  readonly #resolve: (value: CollectedResponse) => void
  readonly #reject: (reason: unknown) => void

  constructor (limit: number, operationId: string, state: Abortable, resolve: (value: CollectedResponse) => void, reject: (reason: unknown) => void) {
    this.#limit = limit
    this.#operationId = operationId
    this.#state = state
    this.#resolve = resolve
    this.#reject = reject
  }

  onConnect (abort: (reason?: Error) => void): void {
    if (this.#state.aborted) {
      abort(this.#state.reason as Error)
      return
    }
    this.#abort = abort as (reason: unknown) => void
    this.#state.current = this.#abort
  }

  onHeaders (statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode
    this.headers = util.parseHeaders(rawHeaders) as Record<string, string | string[]>
    const declared = Number(this.headers['content-length'])
    if (Number.isFinite(declared) && declared > this.#limit) {
      this.#abort?.(tooLarge(this.#operationId, statusCode, this.#limit))
      return false
    }
    return true
  }

  onData (chunk: Buffer): boolean {
    this.#size += chunk.length
    if (this.#size > this.#limit) {
      this.#abort?.(tooLarge(this.#operationId, this.status, this.#limit))
      return false
    }
    this.#chunks.push(chunk)
    return true
  }

  onComplete (): void {
    this.#state.current = undefined
    const chunks = this.#chunks
    this.#resolve({ status: this.status, headers: this.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#size) })
  }

  onError (err: Error): void {
    this.#state.current = undefined
    this.#reject(err)
  }
}

/** Sends one request through `dispatcher` and reads its whole answer, at most `limit` bytes (else a 502 error). */
export async function collect (dispatcher: Dispatcher, request: Dispatcher.DispatchOptions, limit: number, operationId: string, state: Abortable): Promise<CollectedResponse> {
  if (state.aborted) throw state.reason
  return await new Promise<CollectedResponse>((resolve, reject) => {
    dispatcher.dispatch(request, new Collector(limit, operationId, state, resolve, reject))
  })
}
