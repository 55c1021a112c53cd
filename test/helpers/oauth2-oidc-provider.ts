import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { captureLogs, readyTestApp, type LogCapture } from './app.js'
import { NO_LOAD_SHEDDING, PUBLIC_URL, TEST_ENV } from './config.js'
import { cookieHeader, cookiesOf, COOKIE_SECRET } from './oauth2.js'
import { signIn as signInAtProvider, startOidcProvider, type OidcProvider, type OidcProviderOptions } from './oidc-provider.js'

// The BFF as a client of panva's oidc-provider, a certified OpenID Provider that is not Ory: PUBLIC_URL's callback
// and post-logout URIs registered there, discovery from OAUTH2_ISSUER, the browser's part driven with fetch.

export const REDIRECT_URI = `${PUBLIC_URL}/api/oauth2/callback`

export interface OidcBff {
  app: App
  op: OidcProvider
  logs: LogCapture
}

export async function startOidcBff (t: Test, options: {
  client: { clientId: string, clientSecret: string }
  provider?: OidcProviderOptions
  /** Environment on top; a function of the provider when it needs its address. */
  env?: Record<string, string> | ((op: OidcProvider) => Record<string, string>)
  now?: () => number
}): Promise<OidcBff> {
  const op = await startOidcProvider({ redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [`${PUBLIC_URL}/`], ...options.provider })
  t.teardown(op.close)
  const logs = captureLogs()
  const config = loadConfig({
    ...TEST_ENV,
    ...NO_LOAD_SHEDDING,
    ORY_URL: op.issuer,
    PUBLIC_URL,
    OAUTH2_ISSUER: op.issuer,
    OAUTH2_CLIENT_ID: options.client.clientId,
    OAUTH2_CLIENT_SECRET: options.client.clientSecret,
    OAUTH2_SCOPES: 'openid offline_access email profile',
    COOKIE_SECRET,
    LOG_LEVEL: 'info',
    ...(typeof options.env === 'function' ? options.env(op) : options.env)
  })
  const app = await readyTestApp(t, config, { logStream: logs.stream, oauth2Now: options.now })
  return { app, op, logs }
}

/** /api/oauth2/login → the provider → the callback URL it redirects to (not visited), with the transaction cookie. */
export async function authorize (bff: OidcBff): Promise<{ callback: URL, transaction: string }> {
  const login = await bff.app.inject({ method: 'GET', url: '/api/oauth2/login' })
  if (login.statusCode !== 302) throw new Error(`login answered ${login.statusCode}: ${login.body}`)
  const callback = new URL(await signInAtProvider(login.headers.location as string, REDIRECT_URI))
  return { callback, transaction: cookieHeader(cookiesOf(login)) }
}

/** A whole login; the session's Cookie header. */
export async function signIn (bff: OidcBff): Promise<string> {
  const { callback, transaction } = await authorize(bff)
  const response = await bff.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: transaction } })
  if (response.statusCode !== 302) throw new Error(`callback answered ${response.statusCode}: ${response.body}`)
  return cookieHeader(cookiesOf(response))
}
