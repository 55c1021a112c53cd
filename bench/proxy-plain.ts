import proxy from '@fastify/http-proxy'
import { listenAndReport, requiredEnv } from './common.js'
import { peerServer } from './peer-server.js'
import { profileWindows } from './profile.js'
import { API_PREFIX } from './proxy-common.js'

// The plain forward of `npm run bench:proxy`: @fastify/http-proxy (undici underneath, as the BFF's forwarder) at the
// same path, in front of the same upstream, with no auth work: the request carries its own Authorization header, which
// passes through. It logs one access line per request through Fastify's own logger (bench/peer-server.ts); no CSRF
// check, no metrics, no header filtering.
const port = Number(requiredEnv('BENCH_PORT'))
const app = peerServer()
await app.register(proxy, { upstream: requiredEnv('BENCH_UPSTREAM'), prefix: API_PREFIX, rewritePrefix: '' })
profileWindows(process.env.BENCH_CPU_PROFILE_NAME ?? 'plain')
await listenAndReport(app, port)
