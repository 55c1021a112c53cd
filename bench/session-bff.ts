import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { measureOnRequest, requiredEnv, send } from './common.js'

// The BFF as in production, with the session cache's TTL the runner asks for.
const port = Number(requiredEnv('BENCH_PORT'))
const config = loadConfig({
  NODE_ENV: 'production',
  ORY_URL: requiredEnv('BENCH_UPSTREAM'),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: 'warn',
  SESSION_CACHE_TTL_MS: requiredEnv('BENCH_TTL_MS')
})
const app = buildApp(config, { server: { requestTimeout: 30_000, keepAliveTimeout: 72_000 } })
await app.listen({ host: '127.0.0.1', port })
measureOnRequest()
send({ type: 'ready', port })
