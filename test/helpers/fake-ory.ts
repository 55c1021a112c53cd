import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { json, startUpstream, type RecordedRequest } from './upstream.js'

export type Handler = (req: RecordedRequest, res: ServerResponse, socket?: Socket) => void

export interface FakeOry {
  url: string
  /** Requests received so far, in order. */
  requests: RecordedRequest[]
  /** Replaces the handler for the requests to come. */
  handle: (handler: Handler) => void
  /** Resolves once `count` requests in all have arrived. */
  waitForRequests: (count: number) => Promise<void>
  close: () => Promise<void>
}

export { json as answerJson }

/** The identity schemas answer of a healthy Kratos: what the readiness probe asks for. */
export const healthy: Handler = (_req, res) => json(res, 200, [{ id: 'default', url: 'http://127.0.0.1/schemas/default' }])

/** A stand-in for Ory on 127.0.0.1:0 (the recording upstream of test/helpers) whose behaviour the test switches while it runs. */
export async function startFakeOry (handler: Handler = healthy): Promise<FakeOry> {
  let current = handler
  const upstream = await startUpstream((req, res, socket) => current(req, res, socket))
  return {
    url: upstream.url,
    requests: upstream.requests,
    handle: next => { current = next },
    waitForRequests: upstream.waitForRequests,
    close: upstream.close
  }
}
