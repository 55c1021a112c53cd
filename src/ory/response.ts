import { OryBadResponseError } from './errors.js'

/** Reads a body up to `limit` bytes; a larger one is abandoned (and its connection with it). */
export async function readBody (
  body: AsyncIterable<Buffer> & { destroy?: (err?: Error) => unknown },
  limit: number,
  context: { operationId: string, status: number, contentLength?: string | string[] }
): Promise<Buffer> {
  const declared = Number(context.contentLength)
  const tooLarge = (): OryBadResponseError => new OryBadResponseError(
    `Ory's answer to ${context.operationId} is larger than the limit of ${limit} bytes`,
    { operationId: context.operationId, status: context.status, reason: 'The upstream response was too large.' }
  )
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy?.()
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > limit) {
      body.destroy?.()
      throw tooLarge()
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size)
}

export function isJson (contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType
  if (value === undefined) return false
  const type = value.split(';')[0]!.trim().toLowerCase()
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
