import { requiredEnv, serveBff } from './common.js'

// The BFF as in production, with the session cache's TTL the runner asks for.
await serveBff({ LOG_LEVEL: 'warn', SESSION_CACHE_TTL_MS: requiredEnv('BENCH_TTL_MS') })
