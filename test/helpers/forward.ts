import type { ServerResponse } from 'node:http'
import type { RecordedRequest } from './upstream.js'

/** Passes a request a recording upstream got on to `base` and its answer back, Set-Cookie lines and all. */
export async function forwardTo (base: string, req: RecordedRequest, res: ServerResponse): Promise<void> {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length', 'accept-encoding'].includes(name)) continue
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  const answer = await fetch(`${base}${req.url}`, {
    method: req.method,
    headers,
    redirect: 'manual',
    ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: req.body })
  })
  const body = Buffer.from(await answer.arrayBuffer())
  const out: Record<string, string | string[]> = {}
  answer.headers.forEach((value, name) => {
    if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'set-cookie'].includes(name)) out[name] = value
  })
  const cookies = answer.headers.getSetCookie()
  if (cookies.length > 0) out['set-cookie'] = cookies
  res.writeHead(answer.status, { ...out, 'content-length': String(body.length) })
  res.end(body)
}
