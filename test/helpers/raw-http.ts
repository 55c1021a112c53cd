import { request, type IncomingMessage } from 'node:http'
import { connect } from 'node:net'

export interface RawAnswer {
  status: number
  /** Header names in lower case; the last value of a repeated header. */
  headers: Record<string, string>
  body: string
  /** Everything the server sent, as it came. */
  raw: string
}

/**
 * Sends bytes as they are (a request Node's HTTP client would refuse to write) and reads until the server closes the
 * connection: what a broken or hostile client gets back.
 */
export async function rawRequest (port: number, bytes: string | Buffer): Promise<RawAnswer> {
  const socket = connect(port, '127.0.0.1')
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => { chunks.push(chunk) })
  await new Promise<void>((resolve, reject) => {
    // A reset after the answer (the server destroys the socket while bytes are still coming) ends the read too.
    socket.on('error', err => { if (chunks.length > 0) resolve(); else reject(err) })
    socket.on('close', () => resolve())
    socket.write(bytes)
  })
  const raw = Buffer.concat(chunks).toString('utf8')
  const end = raw.indexOf('\r\n\r\n')
  const [statusLine = '', ...lines] = raw.slice(0, end === -1 ? raw.length : end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: end === -1 ? '' : raw.slice(end + 4), raw }
}

export interface BrokenAnswer {
  status: number | undefined
  /** The body bytes that came before the answer ended or broke off. */
  received: string
  /** Whether it broke off (an error on the response) rather than ending. */
  aborted: boolean
  /** Node's own verdict: whether the whole message came. */
  complete: boolean
}

/** A GET read to its end or to its break: what a browser sees of an answer whose body fails halfway. */
export async function readToBreak (port: number, path: string): Promise<BrokenAnswer> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    request({ port, host: '127.0.0.1', path }, resolve).on('error', reject).end()
  })
  let received = ''
  response.setEncoding('utf8').on('data', (chunk: string) => { received += chunk })
  const aborted = await new Promise<boolean>(resolve => {
    response.once('error', () => resolve(true))
    response.once('end', () => resolve(false))
  })
  return { status: response.statusCode, received, aborted, complete: response.complete }
}
