import { request } from 'node:http'
import { connect } from 'node:net'

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One GET on a connection of its own (no agent, no keep-alive pool): a request in flight is exactly one socket. */
export async function get (port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return await new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/**
 * A request whose head is sent in two parts: the connection is busy (not idle) from the first byte, and the
 * request is complete only when `finish()` sends the rest.
 */
export async function splitRequest (port: number, path: string): Promise<{ finish: () => Promise<string> }> {
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  let received = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => { received += chunk })
  const closed = new Promise<void>(resolve => socket.once('close', () => resolve()))
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`)
  return {
    finish: async () => {
      socket.write('X-Request-Id: after-sigterm\r\n\r\n')
      await closed
      return received
    }
  }
}
