import { failed, requiredEnv, serveBff } from './common.js'

// The BFF as in production, with the session cache's TTL the runner asks for.
// No top-level await: bundled as CommonJS, as the image bundles the server.
serveBff({ LOG_LEVEL: 'warn', SESSION_CACHE_TTL_MS: requiredEnv('BENCH_TTL_MS') }).catch(failed)
