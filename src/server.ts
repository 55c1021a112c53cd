import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import closeWithGrace from 'close-with-grace'
import type { App } from './app.js'
import { codeCacheState } from './boot/code-cache.js'
import { ConfigError, loadConfig, type Config } from './config.js'

/** One line on standard error, no stack trace: what an operator reading `kubectl logs` needs. */
function fail (message: string): void {
  process.stderr.write(`ory-bff: ${message}\n`)
  process.exitCode = 1
}

/**
 * With the local emulator and no OAuth2 client of the user's, the BFF is the emulator's client, with a secret and a
 * cookie secret made for this process only: `npm start` alone gives a working OAuth2 login, and no key is ever a
 * default one that others know (sessions end when the process does).
 */
function developmentOAuth2 (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    OAUTH2_CLIENT_ID: 'ory-bff-development',
    OAUTH2_CLIENT_SECRET: randomBytes(32).toString('base64url'),
    COOKIE_SECRET: env.COOKIE_SECRET ?? randomBytes(48).toString('base64url'),
    HYDRA_PUBLIC_PATHS: 'true'
  }
}

async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig(process.env)
    if (config.oryUrlSource === 'emulator' && config.oauth2 === undefined) {
      config = loadConfig(developmentOAuth2(process.env))
      config.warnings.push('OAUTH2_CLIENT_ID is not set: /api/oauth2 signs in with the local emulator\'s OAuth2 server, as a client made for this process (its sessions end with it)')
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    fail(`invalid configuration: ${err.message}`)
    return
  }

  // Outside production with no ORY_URL, the local Ory emulator is the upstream (config.ts says so in a warning).
  let emulator: { close: () => Promise<void> } | undefined
  if (config.oryUrlSource === 'emulator') {
    const { hostname, port } = new URL(config.oryUrl)
    try {
      const { startEmulator } = await import('./emulator/index.js')
      const oauth2 = config.oauth2
      emulator = await startEmulator({
        host: hostname,
        port: Number(port),
        uiUrl: config.publicUrl,
        // Its flow errors go to the same page as the mirror's own (ERROR_UI_URL).
        uiUrls: { error: config.errorUiUrl },
        allowedReturnUrls: config.allowedReturnUrls,
        // The browser reaches the emulator's authorize and end-session endpoints through the mirror, where its Kratos
        // session cookie lives (HYDRA_PUBLIC_PATHS), as with Ory Network's custom domains.
        oauth2BrowserUrl: config.publicOryUrl,
        // E-mails link to where the browser reaches Kratos, the mirror (as Ory Network's Ory-Base-URL-Rewrite does).
        courierBaseUrl: config.publicOryUrl,
        oauth2Clients: oauth2 === undefined
          ? []
          : [{
              client_id: oauth2.clientId,
              client_secret: oauth2.clientSecret,
              redirect_uris: [oauth2.redirectUri],
              post_logout_redirect_uris: [oauth2.postLogoutRedirectUri],
              scope: [...new Set([...oauth2.scopes, 'openid', 'offline_access', 'email', 'profile'])].join(' '),
              ...(config.tokenStore === 'redis' ? { backchannel_logout_uri: oauth2.backchannelLogoutUri } : {})
            }]
      })
    } catch (err) {
      const code = (err as { code?: unknown }).code
      fail(`cannot start the local Ory emulator on ${hostname}:${port}${typeof code === 'string' ? ` (${code})` : ''}: set ORY_URL, or free the port`)
      process.exit(1)
    }
  }

  let app: App
  try {
    // Loaded once the config is known to be good: a bad one is reported without loading the whole app first.
    const { buildApp } = await import('./app.js')
    app = buildApp(config, {
      server: {
        // Above the usual 60 s idle timeout of load balancers, so that they, not we, close idle connections.
        keepAliveTimeout: 72_000
      }
    })
    await app.ready()
  } catch (err) {
    // A setting only the app can check (ADMIN_ALLOW's operation names, say) is still a configuration error.
    fail(err instanceof ConfigError ? `invalid configuration: ${err.message}` : `cannot start: ${err instanceof Error ? err.message : String(err)}`)
    // Whatever the failed start left open (pools, timers) must not keep the process alive.
    process.exit(1)
  }

  closeWithGrace({
    // The grace period starts when the delay ends (SIGINT, which skips the delay, leaves its requests both).
    delay: config.shutdownDelayMs + config.shutdownGraceMs,
    logger: { error: (message: unknown) => app.log.error(message) },
    onSecondSignal: signal => app.log.warn({ signal }, 'second signal: exiting at once'),
    onTimeout: () => app.log.error({ graceMs: config.shutdownGraceMs }, 'the grace period ended before in-flight requests finished: exiting')
  }, async function shutdown ({ signal, err }) {
    app.lifecycle.drain()
    if (err !== undefined) {
      app.log.error({ err }, 'unexpected error: shutting down')
    } else if (signal === 'SIGTERM' && config.shutdownDelayMs > 0) {
      // An orchestrator's stop (Kubernetes sends SIGTERM while it removes the pod's endpoint, which takes a few
      // seconds to reach every load balancer): requests keep coming for a while and must still be answered.
      app.log.info({ signal, delayMs: config.shutdownDelayMs }, 'shutting down: readiness fails now, requests are answered until the delay ends, then in-flight ones finish and the server exits')
      await sleep(config.shutdownDelayMs)
    } else {
      // A developer's Ctrl-C (or no delay configured): nobody routes requests here who needs time to notice.
      app.log.info({ signal }, 'shutting down: readiness fails now, in-flight requests finish, then the server exits')
    }
    app.log.info('closing: no new connections; in-flight requests finish')
    await app.close()
    await emulator?.close()
    app.log.info('closed')
  })

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    const code = (err as { code?: unknown }).code
    app.log.fatal({ err }, 'cannot listen')
    fail(`cannot listen on ${config.host}:${config.port}${typeof code === 'string' ? ` (${code})` : ''}`)
    await app.close()
    await emulator?.close()
    process.exit(1)
  }
  const address = app.listeningOrigin
  const cpu = process.cpuUsage()
  app.log.info({
    address,
    upstream: config.oryUrl,
    startupMs: Math.round(performance.now()),
    // CPU time, unlike the wall time above, does not grow when other processes compete for the machine.
    startupCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    // Whether the image's V8 code cache was used (see src/boot/bundle-entry.ts).
    codeCache: codeCacheState()
  }, `ory-bff listening on ${address}, Ory at ${config.oryUrl}`)
}

// No top-level await: the image runs this file bundled as CommonJS (see scripts/bundle.ts).
main().catch((err: unknown) => {
  fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
