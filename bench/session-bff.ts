import { failed, requiredEnv, serveBff } from './common.js'

// The BFF as in production, with the session cache's TTL the runner asks for, and REDIS_URL when it gives one
// (BENCH_REDIS_URL: the session-eviction fan-out between replicas on).
// No top-level await: bundled as CommonJS, as the image bundles the server.
const redisUrl = process.env.BENCH_REDIS_URL
serveBff({ LOG_LEVEL: 'warn', SESSION_CACHE_TTL_MS: requiredEnv('BENCH_TTL_MS'), ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }) }).catch(failed)
