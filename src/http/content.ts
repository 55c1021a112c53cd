import { promisify } from 'node:util'
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib'
import { OryBadResponseError } from '../ory/errors.js'

// The mirror asks Ory for identity encoding, but a proxy in between may still compress. A compressed body is decoded
// before its URLs are rewritten, with the same cap on what it decodes to as on what is read: a small compressed
// answer must not become gigabytes in memory.

const inflateAsync = promisify(inflate)
const inflateRawAsync = promisify(inflateRaw)

const decoders: Record<string, (buffer: Buffer, options: ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  br: promisify(brotliDecompress),
  // RFC 9110 §8.4.1.2: "deflate" is the zlib format; some servers send raw deflate, which is read as well.
  deflate: async (buffer, options) => {
    try {
      return await inflateAsync(buffer, options)
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw err
      return await inflateRawAsync(buffer, options)
    }
  }
}

/** The body with its Content-Encoding (one or more codings, RFC 9110 §8.4) undone, at most `limit` bytes. */
export async function decodeContent (body: Buffer, contentEncoding: string, limit: number, operationId: string): Promise<Buffer> {
  const codings = contentEncoding.split(',').map(coding => coding.trim().toLowerCase()).filter(coding => coding !== '' && coding !== 'identity')
  let decoded = body
  // Codings are listed in the order they were applied: undo the last first.
  for (const coding of codings.reverse()) {
    // Own names only: a coding named `constructor` or `__proto__` is not a decoder.
    const decode = Object.hasOwn(decoders, coding) ? decoders[coding] : undefined
    if (decode === undefined) {
      throw new OryBadResponseError(`Ory's answer to ${operationId} has a content coding the BFF cannot read: ${coding}`, {
        operationId,
        reason: 'The upstream response was malformed.'
      })
    }
    try {
      decoded = await decode(decoded, { maxOutputLength: limit })
    } catch (cause) {
      const tooLarge = (cause as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE'
      throw new OryBadResponseError(
        tooLarge ? `Ory's answer to ${operationId} is larger than the limit of ${limit} bytes once decompressed` : `Ory's answer to ${operationId} cannot be decompressed`,
        { cause, operationId, reason: tooLarge ? 'The upstream response was too large.' : 'The upstream response was malformed.' }
      )
    }
  }
  return decoded
}
