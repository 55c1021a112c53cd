import proxy from '@fastify/http-proxy'
import Fastify from 'fastify'
import { listenAndReport, requiredEnv } from './common.js'

// The uncached path: @fastify/http-proxy passing /.ory/sessions/whoami to the stand-in, every request a call to Ory.
const port = Number(requiredEnv('BENCH_PORT'))
const app = Fastify({ logger: { level: 'warn' }, requestTimeout: 30_000, keepAliveTimeout: 72_000 })
await app.register(proxy, { upstream: requiredEnv('BENCH_UPSTREAM'), prefix: '/.ory', rewritePrefix: '' })
await listenAndReport(app, port)
