import { failed, serveBff } from './common.js'
import { profileWindows } from './profile.js'

// The BFF under test, in a process of its own, configured as in production (NODE_ENV=production, LOG_LEVEL=info with
// its access-log line per request, metrics on, the server's own timeouts). SESSION_CACHE_TTL_MS=0: whoami must
// measure the mirror's path to Ory, not the session cache.
// No top-level await: bundled as CommonJS, as the image bundles the server.
// The runner names the process (bff, or bff-twin with --twin): each writes profiles of its own.
profileWindows(process.env.BENCH_PROFILE_NAME ?? 'bff')
serveBff({ LOG_LEVEL: 'info', SESSION_CACHE_TTL_MS: '0' }).catch(failed)
