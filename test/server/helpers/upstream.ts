import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Handler = (req: IncomingMessage, res: ServerResponse) => void

export interface FakeOry {
  url: string
  /** Requests received so far (method and URL), in order. */
  requests: Array<{ method: string, url: string, headers: IncomingMessage['headers'] }>
  /** Replaces the handler for the requests to come. */
  handle: (handler: Handler) => void
  /** Resolves once `count` requests in all have arrived. */
  waitForRequests: (count: number) => Promise<void>
  close: () => Promise<void>
}

export function answerJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/** The identity schemas answer of a healthy Kratos: what the readiness probe asks for. */
export const healthy: Handler = (_req, res) => answerJson(res, 200, [{ id: 'default', url: 'http://127.0.0.1/schemas/default' }])

/** A stand-in for Ory on 127.0.0.1:0 whose behaviour the test switches while it runs. */
export async function startFakeOry (handler: Handler = healthy): Promise<FakeOry> {
  let current = handler
  const requests: FakeOry['requests'] = []
  const waiters: Array<{ count: number, resolve: () => void }> = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    for (const waiter of [...waiters]) {
      if (requests.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
    req.resume()
    current(req, res)
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: next => { current = next },
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
