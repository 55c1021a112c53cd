import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { measureOnRequest, requiredEnv, send } from './common.js'

// The BFF under test, in a process of its own, configured as in production (NODE_ENV=production, LOG_LEVEL=info with
// its access-log line per request, metrics on, the server's own timeouts). SESSION_CACHE_TTL_MS=0: whoami must
// measure the mirror's path to Ory, not the session cache.
const port = Number(requiredEnv('BENCH_PORT'))
const config = loadConfig({
  NODE_ENV: 'production',
  ORY_URL: requiredEnv('BENCH_UPSTREAM'),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: 'info',
  SESSION_CACHE_TTL_MS: '0'
})
const app = buildApp(config, { server: { requestTimeout: 30_000, keepAliveTimeout: 72_000 } })
await app.listen({ host: '127.0.0.1', port })
measureOnRequest()
send({ type: 'ready', port })
