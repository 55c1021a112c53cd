import proxy from '@fastify/http-proxy'
import Fastify from 'fastify'
import { AccessLogController, createLogger } from '../src/plugins/logging.js'
import { listenAndReport, requiredEnv } from './common.js'

// The baseline: @fastify/http-proxy in front of the same upstream, doing the same header work the BFF does for these
// two answers: Set-Cookie without Domain (host-only on our origin) and Location on Ory rewritten to
// <PUBLIC_URL>/.ory. It rewrites no JSON body: the BFF's rewriting of `schema_url` is extra work it must afford.
const port = Number(requiredEnv('BENCH_PORT'))
const upstream = requiredEnv('BENCH_UPSTREAM')
const publicPrefix = `http://127.0.0.1:${port}/.ory`
const DOMAIN = /;\s*domain=[^;]*/gi

function stripDomain (cookie: string): string {
  return cookie.replace(DOMAIN, '')
}

// The same access log as the BFF's (pino, one line per request, level info): a proxy in production logs its requests
// too, and both servers then do the same logging work.
const app = Fastify({ loggerInstance: createLogger({ level: 'info' }), logController: new AccessLogController(), requestTimeout: 30_000, keepAliveTimeout: 72_000 })
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
    }
  }
})
await listenAndReport(app, port)
