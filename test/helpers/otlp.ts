import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

// An OTLP/HTTP receiver of the test's own (a node:http server on 127.0.0.1:0): it takes the exporter's JSON
// `POST /v1/traces` as a collector would, and keeps the spans, the exports' headers and their raw bodies.

export type AttributeValue = string | number | boolean | undefined

export interface ReceivedSpan {
  traceId: string
  spanId: string
  /** Empty or undefined for a root span. */
  parentSpanId: string | undefined
  name: string
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number
  attributes: Record<string, AttributeValue>
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  statusCode: number
  resource: Record<string, AttributeValue>
}

export interface ReceivedExport {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

export type CollectorMode = 'answer' | 'hang' | 'refuse'

export interface OtlpReceiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string
  spans: ReceivedSpan[]
  exports: ReceivedExport[]
  /** `answer`: 200 at once; `hang`: never answers (a collector that is stuck); `refuse`: 503. */
  mode: CollectorMode
  close: () => Promise<void>
}

interface OtlpKeyValue { key: string, value: Record<string, unknown> }

function attributeValue (value: Record<string, unknown>): AttributeValue {
  if ('stringValue' in value) return value.stringValue as string
  if ('intValue' in value) return Number(value.intValue)
  if ('doubleValue' in value) return Number(value.doubleValue)
  if ('boolValue' in value) return value.boolValue as boolean
  return undefined
}

function attributes (list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {}
  for (const { key, value } of list ?? []) out[key] = attributeValue(value)
  return out
}

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes?: OtlpKeyValue[]
  status?: { code?: number }
}

function spansOf (body: string): ReceivedSpan[] {
  const parsed = JSON.parse(body) as { resourceSpans?: Array<{ resource?: { attributes?: OtlpKeyValue[] }, scopeSpans?: Array<{ spans?: OtlpSpan[] }> }> }
  const spans: ReceivedSpan[] = []
  for (const resourceSpan of parsed.resourceSpans ?? []) {
    const resource = attributes(resourceSpan.resource?.attributes)
    for (const scope of resourceSpan.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId === '' ? undefined : span.parentSpanId,
          name: span.name,
          kind: span.kind,
          attributes: attributes(span.attributes),
          statusCode: span.status?.code ?? 0,
          resource
        })
      }
    }
  }
  return spans
}

export async function startOtlpReceiver (mode: CollectorMode = 'answer'): Promise<OtlpReceiver> {
  const sockets = new Set<Socket>()
  const hanging = new Set<ServerResponse>()
  const receiver: OtlpReceiver = {
    url: '',
    spans: [],
    exports: [],
    mode,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      receiver.exports.push({ path: req.url ?? '', headers: req.headers, body })
      if (receiver.mode === 'hang') {
        hanging.add(res)
        return
      }
      if (receiver.mode === 'refuse') {
        res.writeHead(503, { 'content-type': 'application/json' })
        res.end('{}')
        return
      }
      if (req.method === 'POST' && req.url === '/v1/traces') receiver.spans.push(...spansOf(body))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{}')
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return receiver
}

/** The OTEL_* variables of a BFF that sends its traces to `receiver`, as a user would set them. */
export function otelEnv (receiver: OtlpReceiver, extra: Record<string, string> = {}): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...extra }
}

/** A span with this name, or a failure that lists the names there are. */
export function spanNamed (spans: ReceivedSpan[], name: string | RegExp): ReceivedSpan {
  const span = spans.find(candidate => typeof name === 'string' ? candidate.name === name : name.test(candidate.name))
  if (span === undefined) throw new Error(`no span named ${String(name)} among ${spans.map(s => s.name).join(', ')}`)
  return span
}

/** A W3C traceparent's parts (version-traceid-parentid-flags). */
export function parseTraceparent (value: unknown): { traceId: string, parentId: string, flags: string } {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(value))
  if (match === null) throw new Error(`not a traceparent: ${String(value)}`)
  return { traceId: match[1]!, parentId: match[2]!, flags: match[3]! }
}
