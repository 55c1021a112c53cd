import proxy from '@fastify/http-proxy'
import Fastify from 'fastify'
import { AccessLogController, createLogger } from '../src/plugins/logging.js'
import { listenAndReport, requiredEnv } from './common.js'
import { profileWindows } from './profile.js'
import { API_PREFIX } from './proxy-common.js'

// The plain forward of `npm run bench:proxy`: @fastify/http-proxy (undici underneath, as the BFF's forwarder) at the
// same path, in front of the same upstream, with no auth work: the request carries its own Authorization header, which
// passes through. It gets the BFF's pino access log (one line per request, level info), so that both do the same
// logging work; no CSRF check, no metrics, no header filtering.
const port = Number(requiredEnv('BENCH_PORT'))
const app = Fastify({ loggerInstance: createLogger({ level: 'info' }), logController: new AccessLogController(), requestTimeout: 30_000, keepAliveTimeout: 72_000 })
await app.register(proxy, { upstream: requiredEnv('BENCH_UPSTREAM'), prefix: API_PREFIX, rewritePrefix: '' })
profileWindows(process.env.BENCH_CPU_PROFILE_NAME ?? 'plain')
await listenAndReport(app, port)
