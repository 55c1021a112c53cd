import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import Provider from 'oidc-provider'

// A certified OpenID Provider (panva's oidc-provider) on 127.0.0.1:0 for the OAuth2 tests: confidential clients, PKCE
// required, revocation, RP-initiated and back-channel logout, and an interaction that signs a fixed account in and
// grants what is asked without a UI. `signIn` drives the browser's part of the code flow with fetch.

export const TEST_ACCOUNT = { sub: 'user-1', email: 'user-1@example.com', email_verified: true, name: 'Test User' }

/** The confidential clients registered at the provider. */
export const CLIENTS = {
  basic: { clientId: 'bff-basic', clientSecret: 'secret-basic:with/specials&=' },
  post: { clientId: 'bff-post', clientSecret: 'secret-post' }
} as const

export interface OidcProviderOptions {
  /** Registered for both clients. Default `https://app.example/api/oauth2/callback`. */
  redirectUris?: string[]
  /** Default `https://app.example/`. */
  postLogoutRedirectUris?: string[]
  /** Where the provider POSTs logout tokens (both clients), if anywhere. */
  backchannelLogoutUri?: string
  /** The token endpoint's client authentication methods (discovery's `token_endpoint_auth_methods_supported`). */
  clientAuthMethods?: string[]
  /** Lifetime of access tokens, seconds. Default 3600. */
  accessTokenTtl?: number
}

export interface OidcProvider {
  /** The issuer, `http://127.0.0.1:<port>`. */
  issuer: string
  port: number
  /** Every request the provider received: method and path with query. */
  requests: Array<{ method: string, url: string }>
  /** The public keys it publishes right now. */
  jwks: () => JWK[]
  /**
   * A new signing key. `keepOld` (default true) keeps the previous keys in the JWKS; tokens are signed with the new one
   * from now on. Grants, sessions and tokens survive: oidc-provider's memory adapter is shared by its instances.
   */
  rotateKeys: (options?: { keepOld?: boolean }) => Promise<void>
  close: () => Promise<void>
}

async function signingKey (): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, kid: `key-${Math.random().toString(36).slice(2, 10)}`, alg: 'RS256', use: 'sig' }
}

function publicPart (jwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = jwk
  return { kty, n, e, kid, alg, use } as JWK
}

/** oidc-provider's default logout page, without styles: the form alone, which `signOut` submits. */
async function logoutSource (ctx: { body: string }, form: string): Promise<void> {
  ctx.body = `<!DOCTYPE html><html><body>${form}</body></html>`
}

async function finishInteraction (provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res)
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: TEST_ACCOUNT.sub } }, { mergeWithLastSubmission: false })
    return
  }
  const accountId = details.session?.accountId ?? TEST_ACCOUNT.sub
  const grant = (details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)) ??
    new provider.Grant({ accountId, clientId: String(details.params.client_id) })
  const missing = details.prompt.details as { missingOIDCScope?: string[], missingOIDCClaims?: string[], missingResourceScopes?: Record<string, string[]> }
  if (missing.missingOIDCScope !== undefined) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
  if (missing.missingOIDCClaims !== undefined) grant.addOIDCClaims(missing.missingOIDCClaims)
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '))
  const grantId = await grant.save()
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
}

export async function startOidcProvider (options: OidcProviderOptions = {}): Promise<OidcProvider> {
  const requests: OidcProvider['requests'] = []
  const sockets = new Set<Socket>()
  let current: { provider: Provider, handle: (req: IncomingMessage, res: ServerResponse) => void } | undefined
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' })
    const active = current!
    if (req.url?.startsWith('/interaction/') === true) {
      finishInteraction(active.provider, req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(err instanceof Error ? err.message : String(err))
      })
      return
    }
    active.handle(req, res)
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`

  const redirectUris = options.redirectUris ?? ['https://app.example/api/oauth2/callback']
  const client = (id: { clientId: string, clientSecret: string }, method: string): Record<string, unknown> => ({
    client_id: id.clientId,
    client_secret: id.clientSecret,
    token_endpoint_auth_method: method,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: options.postLogoutRedirectUris ?? ['https://app.example/'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    ...(options.backchannelLogoutUri === undefined ? {} : { backchannel_logout_uri: options.backchannelLogoutUri, backchannel_logout_session_required: true })
  })

  let keys: JWK[] = [await signingKey()]
  const build = (): void => {
    const provider = new Provider(issuer, {
      clients: [client(CLIENTS.basic, 'client_secret_basic'), client(CLIENTS.post, 'client_secret_post')],
      // The newest key first: oidc-provider signs with the first key of a matching algorithm.
      jwks: { keys },
      cookies: { keys: ['oidc-provider-test-cookie-key'] },
      findAccount: async (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: async () => ({ ...TEST_ACCOUNT, sub })
      }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      scopes: ['openid', 'offline_access', 'email', 'profile'],
      features: {
        devInteractions: { enabled: false },
        revocation: { enabled: true, allowedPolicy: async () => true },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: { enabled: true, logoutSource }
      },
      pkce: { required: () => true },
      // Refresh tokens for every client allowed the grant, without the offline_access/prompt=consent dance.
      issueRefreshToken: async (_ctx: unknown, registered: { grantTypeAllowed: (type: string) => boolean }) => registered.grantTypeAllowed('refresh_token'),
      ...(options.clientAuthMethods === undefined ? {} : { clientAuthMethods: options.clientAuthMethods }),
      ttl: {
        AccessToken: options.accessTokenTtl ?? 3600,
        AuthorizationCode: 60,
        IdToken: 3600,
        RefreshToken: 86_400,
        Interaction: 600,
        Session: 86_400,
        Grant: 86_400
      },
      renderError: async (ctx: { type: string, body: unknown }, out: Record<string, string>) => {
        ctx.type = 'json'
        ctx.body = out
      }
    })
    current = { provider, handle: provider.callback() }
  }
  build()

  return {
    issuer,
    port,
    requests,
    jwks: () => keys.map(publicPart),
    rotateKeys: async ({ keepOld = true } = {}) => {
      keys = [await signingKey(), ...(keepOld ? keys : [])]
      build()
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** Cookies by name, sent to every path of the provider: enough for one browser talking to one test provider. */
export class CookieJar {
  readonly #cookies = new Map<string, string>()

  store (headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const index = pair.indexOf('=')
      if (index === -1) continue
      const name = pair.slice(0, index).trim()
      const expired = attributes.some(attribute => /^\s*max-age=0\s*$/i.test(attribute)) ||
        attributes.some(attribute => /^\s*expires=/i.test(attribute) && Date.parse(attribute.split('=')[1] ?? '') < Date.now())
      if (expired) this.#cookies.delete(name)
      else this.#cookies.set(name, pair.slice(index + 1).trim())
    }
  }

  header (): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

/** A browser's session at the provider: its cookies, kept across sign-in and sign-out. */
export interface Browser {
  jar: CookieJar
}

export function newBrowser (): Browser {
  return { jar: new CookieJar() }
}

const MAX_HOPS = 20

/**
 * Follows the redirects a browser would, from `url`, until one points at `stop` (compared without query), which is
 * returned unvisited; cookies kept across hops. A non-redirect answer before that is an error with its body.
 */
async function follow (url: string, stop: string, browser: Browser, init: RequestInit = {}): Promise<string> {
  const target = new URL(stop)
  let next = url
  let request: RequestInit = init
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const response = await fetch(next, { ...request, redirect: 'manual', headers: { ...(request.headers as Record<string, string> | undefined), cookie: browser.jar.header() } })
    browser.jar.store(response.headers)
    const location = response.headers.get('location')
    if (response.status < 300 || response.status >= 400 || location === null) {
      throw new Error(`${next} answered ${response.status} before reaching ${stop}: ${(await response.text()).slice(0, 500)}`)
    }
    await response.body?.cancel()
    const resolved = new URL(location, next)
    if (resolved.origin === target.origin && resolved.pathname === target.pathname) return resolved.href
    next = resolved.href
    request = {}
  }
  throw new Error(`more than ${MAX_HOPS} redirects from ${url}`)
}

/**
 * Drives an authorization URL as a browser would, signing the test account in and consenting, and returns the
 * callback URL (`redirectUri` with `code`, `state` and `iss`, or `error`) without visiting it.
 */
export async function signIn (authorizationUrl: string, redirectUri: string, browser: Browser = newBrowser()): Promise<string> {
  return await follow(authorizationUrl, redirectUri, browser)
}

/**
 * Drives an RP-initiated logout URL: confirms the provider's logout form and returns the post-logout redirect URL it
 * sends the browser to. The provider sends its back-channel logout tokens on the way.
 */
export async function signOut (endSessionUrl: string, postLogoutRedirectUri: string, browser: Browser): Promise<string> {
  const page = await fetch(endSessionUrl, { redirect: 'manual', headers: { cookie: browser.jar.header() } })
  browser.jar.store(page.headers)
  const html = await page.text()
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
  if (action === undefined) throw new Error(`no logout form at ${endSessionUrl} (${page.status}): ${html.slice(0, 500)}`)
  const fields = new URLSearchParams({ logout: 'yes' })
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields.set(name!, value!)
  return await follow(new URL(action, endSessionUrl).href, postLogoutRedirectUri, browser, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString()
  })
}
