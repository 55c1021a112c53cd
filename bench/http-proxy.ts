import proxy from '@fastify/http-proxy'
import { listenAndReport, requiredEnv } from './common.js'
import { peerServer } from './peer-server.js'
import { profileWindows } from './profile.js'

// The baseline: @fastify/http-proxy in front of the same upstream, doing the same work the BFF does for these two
// answers: Set-Cookie without Domain (host-only on our origin), Location on Ory rewritten to <PUBLIC_URL>/.ory, and
// Ory's URLs in a JSON body rewritten to <PUBLIC_URL>/.ory (whoami's `schema_url`). Peers that skipped the body would
// be measured doing less than the BFF must.
const port = Number(requiredEnv('BENCH_PORT'))
const upstream = requiredEnv('BENCH_UPSTREAM')
const publicPrefix = `http://127.0.0.1:${port}/.ory`
const DOMAIN = /;\s*domain=[^;]*/gi
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i

function stripDomain (cookie: string): string {
  return cookie.replace(DOMAIN, '')
}

// A proxy in production logs its requests too: one access line per request, as bench/peer-server.ts says.
const app = peerServer()
profileWindows('http-proxy')
await app.register(proxy, {
  upstream,
  prefix: '/.ory',
  rewritePrefix: '',
  replyOptions: {
    rewriteHeaders (headers) {
      const location = headers.location
      if (typeof location === 'string' && (location === upstream || location.startsWith(`${upstream}/`))) {
        headers.location = publicPrefix + location.slice(upstream.length)
      }
      const cookies = headers['set-cookie']
      if (Array.isArray(cookies)) headers['set-cookie'] = cookies.map(stripDomain)
      else if (typeof cookies === 'string') headers['set-cookie'] = [stripDomain(cookies)]
      return headers
    },
    // reply-from 12 calls this with the upstream's answer (headers already copied, status set) instead of sending
    // res.stream itself: the documented place to change a body.
    onResponse (_request, reply, res) {
      if (!JSON_TYPE.test(reply.getHeader('content-type')?.toString() ?? '')) {
        reply.send(res.stream)
        return
      }
      const chunks: Buffer[] = []
      res.stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.stream.once('error', err => reply.send(err))
      res.stream.once('end', () => {
        // The upstream's length no longer holds once a URL grows: Fastify sets the new one.
        reply.removeHeader('content-length')
        reply.send(Buffer.concat(chunks).toString('utf8').replaceAll(`${upstream}/`, `${publicPrefix}/`))
      })
    }
  }
})
await listenAndReport(app, port)
