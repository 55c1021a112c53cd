import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { measureOnRequest, requiredEnv, send } from './common.js'

// The BFF under test, in a process of its own, configured as in production (NODE_ENV=production, the server's own
// timeouts); LOG_LEVEL=warn so that neither server writes a line per request.
const port = Number(requiredEnv('BENCH_PORT'))
const config = loadConfig({
  NODE_ENV: 'production',
  ORY_URL: requiredEnv('BENCH_UPSTREAM'),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: 'warn'
})
const app = buildApp(config, { server: { requestTimeout: 30_000, keepAliveTimeout: 72_000 } })
await app.listen({ host: '127.0.0.1', port })
measureOnRequest()
send({ type: 'ready', port })
