import { failed, listenAndReport, requiredEnv } from './common.js'
import { profileWindows } from './profile.js'
import { API_NAME, BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_COOKIE_SECRET, BENCH_SCOPES } from './proxy-common.js'

// The BFF of `npm run bench:proxy`, as in production (NODE_ENV=production, LOG_LEVEL=info with its access-log line
// per request, metrics, load shedding and the server's own timeouts): an OAuth2 client of the emulator (BENCH_ISSUER),
// its tokens in TOKEN_STORE (BENCH_TOKEN_STORE, with BENCH_REDIS_URL for redis), and one API route, GET only,
// forwarding to the bench's upstream with the OAuth2 access token.
// No top-level await: bundled as CommonJS, as the image bundles the server.

async function main (): Promise<void> {
  const [{ buildApp }, { loadConfig }] = await Promise.all([import('../src/app.js'), import('../src/config.js')])
  const port = Number(requiredEnv('BENCH_PORT'))
  const store = requiredEnv('BENCH_TOKEN_STORE')
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    ORY_URL: requiredEnv('BENCH_ISSUER'),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    OAUTH2_CLIENT_ID: BENCH_CLIENT_ID,
    OAUTH2_CLIENT_SECRET: BENCH_CLIENT_SECRET,
    OAUTH2_SCOPES: BENCH_SCOPES,
    COOKIE_SECRET: BENCH_COOKIE_SECRET,
    TOKEN_STORE: store,
    ...(store === 'redis' ? { REDIS_URL: requiredEnv('BENCH_REDIS_URL') } : {}),
    API_ROUTES: JSON.stringify({ [API_NAME]: { url: requiredEnv('BENCH_UPSTREAM'), methods: ['GET'], token: 'oauth2' } })
  })
  const app = buildApp(config, { server: { keepAliveTimeout: 72_000 } })
  profileWindows(process.env.BENCH_CPU_PROFILE_NAME ?? 'bff')
  await listenAndReport(app, port)
}

main().catch(failed)
