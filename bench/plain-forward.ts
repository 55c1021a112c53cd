import { Pool } from 'undici'
import { listenAndReport, requiredEnv } from './common.js'
import { peerServer } from './peer-server.js'
import { profileWindows } from './profile.js'

// The plain forward: the simplest honest proxy of /.ory on Fastify and undici, doing the same work as the BFF's mirror
// for these answers (Set-Cookie without Domain, Location and JSON bodies' Ory URLs rewritten to <PUBLIC_URL>/.ory)
// and nothing else: no validation, no metrics, no error mapping. What the BFF costs beyond it is the price of its
// own checks.
const port = Number(requiredEnv('BENCH_PORT'))
const upstream = requiredEnv('BENCH_UPSTREAM')
const PREFIX = '/.ory'
const publicPrefix = `http://127.0.0.1:${port}${PREFIX}`
const DOMAIN = /;\s*domain=[^;]*/gi
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i
// RFC 9110 §7.6.1: connection-specific headers are not forwarded; `host` is the upstream's, set by undici.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host'])

// The upstream's timeouts as the BFF's server sets its own: an answer that never comes is a failure, not a hang.
const pool = new Pool(upstream, { headersTimeout: 30_000, bodyTimeout: 30_000 })

function stripDomain (cookie: string): string {
  return cookie.replace(DOMAIN, '')
}

// An access line per request and the server timeouts, as the other peer (bench/peer-server.ts).
const app = peerServer()
profileWindows('plain')
app.addHook('onClose', async () => await pool.close())

app.get(`${PREFIX}/*`, async (request, reply) => {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value
  }
  const answer = await pool.request({ method: 'GET', path: request.url.slice(PREFIX.length), headers })
  const body = await answer.body.text()
  reply.code(answer.statusCode)
  const contentType = answer.headers['content-type']
  if (typeof contentType === 'string') reply.header('content-type', contentType)
  const cacheControl = answer.headers['cache-control']
  if (cacheControl !== undefined) reply.header('cache-control', cacheControl)
  const location = answer.headers.location
  if (typeof location === 'string') {
    reply.header('location', location === upstream || location.startsWith(`${upstream}/`) ? publicPrefix + location.slice(upstream.length) : location)
  }
  const cookies = answer.headers['set-cookie']
  if (cookies !== undefined) reply.header('set-cookie', (Array.isArray(cookies) ? cookies : [cookies]).map(stripDomain))
  return typeof contentType === 'string' && JSON_TYPE.test(contentType) ? body.replaceAll(`${upstream}/`, `${publicPrefix}/`) : body
})

await listenAndReport(app, port)
