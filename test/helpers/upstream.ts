import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { freePort } from './ports.js'

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
  /** `performance.now()` when the request had fully arrived. */
  receivedAt: number
}

export interface Upstream {
  url: string
  port: number
  requests: RecordedRequest[]
  /** The connections that are open right now. */
  sockets: ReadonlySet<Socket>
  /** Resolves once `count` requests have arrived (at once if they already have). */
  waitForRequests: (count: number) => Promise<void>
  close: () => Promise<void>
}

/**
 * A real HTTP server on 127.0.0.1:0 that records every request (with its body) and lets the test answer it.
 * Sockets are tracked so that close() never waits for a connection the test left hanging.
 */
export async function startUpstream (
  handler: (req: RecordedRequest, res: ServerResponse, socket: Socket) => void | Promise<void>
): Promise<Upstream> {
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const waiters: Array<{ count: number, resolve: () => void }> = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: performance.now()
      }
      requests.push(recorded)
      for (const waiter of waiters.filter(w => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
      Promise.resolve(handler(recorded, res, req.socket)).catch((err: unknown) => {
        res.destroy(err instanceof Error ? err : new Error(String(err)))
      })
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    sockets,
    waitForRequests: async count => {
      if (requests.length >= count) return
      await new Promise<void>(resolve => waiters.push({ count, resolve }))
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** A URL on 127.0.0.1 whose port was listening a moment ago and is closed now: connecting is refused. */
export async function closedPortUrl (): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`
}

export { freePort }

export function json (res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}
