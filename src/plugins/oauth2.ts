import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config, OAuth2Config } from '../config.js'
import { parseCookieHeader } from '../http/cookies.js'
import { TokenSessionInvalidError } from '../oauth2/errors.js'
import { OpenIdProvider, tokenSetFrom } from '../oauth2/provider.js'
import { IdTokenError, InvalidGrantError } from '../oauth2/provider-errors.js'
import { Refresher } from '../oauth2/refresh.js'
import { Sealer } from '../oauth2/seal.js'
import { sessionExpiry } from '../oauth2/session.js'
import { CookieTokenStore } from '../oauth2/stores/cookie-store.js'
import type { RedisClient, RedisLog } from '../redis/client.js'
import type { LoadedSession, OAuth2Session, RequestCookies, TokenStore } from '../oauth2/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The OAuth2 backend-for-frontend: provider, token store and refresh; undefined without OAUTH2_CLIENT_ID. */
    oauth2: OAuth2Service | undefined
  }
}

export interface OAuth2PluginOptions {
  config: Config
  /** Clock in milliseconds (tests). */
  now?: () => number
}

/** Whether TOKEN_STORE asks for Redis (with its URL): what createTokenStore makes. */
export function usesRedis (config: Config): config is Config & { redisUrl: string } {
  return config.tokenStore === 'redis' && config.redisUrl !== undefined
}

/**
 * The token store TOKEN_STORE names: sealed cookies, or Redis on the app's shared connection (src/plugins/redis.ts;
 * while Redis is down the store's calls are 503s). The Redis store is loaded only then: a BFF without Redis never
 * loads it (scripts/bundle.ts's LAZY_PARTS).
 */
export async function createTokenStore (config: Config, log: FastifyBaseLogger, redis: RedisClient | undefined, now?: () => number): Promise<TokenStore> {
  if (usesRedis(config)) {
    if (redis === undefined) throw new Error('TOKEN_STORE=redis needs the redis plugin (src/plugins/redis.ts) registered before the oauth2 plugin')
    const { RedisTokenStore } = await import('../oauth2/stores/redis-store.js')
    const redisLog: RedisLog = (level, message, fields) => log[level]({ redis: fields ?? {} }, message)
    // The lease outlives the longest token request, so that no other replica can refresh while one is under way.
    return new RedisTokenStore({ client: redis, ownsClient: false, secure: config.publicHttps, log: redisLog, now, lockLeaseMs: config.upstreamTimeoutMs + 5_000 })
  }
  return new CookieTokenStore({ secrets: config.cookieSecrets, secure: config.publicHttps, now })
}

const parsedCookies = new WeakMap<FastifyRequest, RequestCookies>()

/** The request's cookies by name, parsed once per request. */
export function requestCookies (request: FastifyRequest): RequestCookies {
  let cookies = parsedCookies.get(request)
  if (cookies === undefined) {
    cookies = parseCookieHeader(request.headers.cookie)
    parsedCookies.set(request, cookies)
  }
  return cookies
}

/**
 * Adds Set-Cookie lines to an answer without dropping those already on it: Fastify's reply.header appends to a
 * Set-Cookie header already set (RFC 7230 §3.2.2), so the lines already there must not be passed again.
 */
export function appendSetCookie (reply: FastifyReply, lines: readonly string[]): void {
  if (lines.length === 0) return
  reply.header('set-cookie', [...lines])
}

/**
 * What the OAuth2 routes and the API proxy share: the provider (discovery, tokens, ID and logout tokens), the token
 * store, and one refresh per session. Signing out is never a side effect of a failure of ours: a store that is down
 * is a 503 and a provider that is down a 502/504; only the provider refusing the refresh token (`invalid_grant`), or
 * cookies that cannot be opened, end a session.
 */
export class OAuth2Service {
  readonly config: OAuth2Config
  readonly provider: OpenIdProvider
  readonly store: TokenStore
  readonly refresher: Refresher
  /** Seals login transactions (purpose `oauth2-login`: a key of its own, apart from the token cookies'). */
  readonly transactions: Sealer
  /** Seals the ID token kept for the end-session redirect after a logout (purpose `oauth2-logout`). */
  readonly logouts: Sealer
  readonly secure: boolean
  readonly #now: () => number

  constructor (app: FastifyInstance, options: { config: Config & { oauth2: OAuth2Config }, store: TokenStore, now?: () => number }) {
    const config = options.config.oauth2
    this.config = config
    this.secure = options.config.publicHttps
    this.#now = options.now ?? Date.now
    this.store = options.store
    this.transactions = new Sealer(options.config.cookieSecrets, 'oauth2-login')
    this.logouts = new Sealer(options.config.cookieSecrets, 'oauth2-logout')
    this.provider = new OpenIdProvider({
      client: app.ory,
      issuer: config.issuer,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      redirectUri: config.redirectUri,
      now: this.#now
    })
    this.refresher = new Refresher({
      store: this.store,
      skewSeconds: config.refreshSkewSeconds,
      now: this.#now,
      refresh: async session => await this.#refresh(session)
    })
  }

  /** Seconds since the epoch. */
  nowSeconds (): number {
    return Math.floor(this.#now() / 1000)
  }

  async #refresh (session: OAuth2Session): Promise<OAuth2Session> {
    const refreshToken = session.tokens.refreshToken
    if (refreshToken === undefined) {
      throw new TokenSessionInvalidError('The access token has expired and there is no refresh token to renew it.')
    }
    const response = await this.provider.refresh(refreshToken)
    // OIDC Core §12.2: a refreshed ID token must be about the same user.
    if (response.id_token !== undefined) await this.provider.validateIdToken(response.id_token, { sub: session.sub })
    const now = this.nowSeconds()
    const tokens = tokenSetFrom(response, now, session.tokens)
    return { ...session, tokens, expiresAt: sessionExpiry(tokens, now) }
  }

  /**
   * The request's session, or undefined when it carries none. Cookies that cannot be used: the answer clears them
   * and the TokenSessionInvalidError (401) is thrown on.
   */
  async load (request: FastifyRequest, reply: FastifyReply): Promise<LoadedSession | undefined> {
    try {
      return await this.store.load(requestCookies(request))
    } catch (err) {
      if (err instanceof TokenSessionInvalidError) appendSetCookie(reply, err.clearCookies)
      throw err
    }
  }

  /**
   * The request's session with an access token that is not about to expire: refreshed first when due, once per
   * session however many requests need it. undefined without a session.
   */
  async fresh (request: FastifyRequest, reply: FastifyReply): Promise<OAuth2Session | undefined> {
    const loaded = await this.load(request, reply)
    if (loaded === undefined) return undefined
    try {
      const { session, setCookies } = await this.refresher.ensureFresh(loaded)
      appendSetCookie(reply, setCookies)
      return session
    } catch (err) {
      if (err instanceof InvalidGrantError || err instanceof TokenSessionInvalidError || err instanceof IdTokenError) {
        // The provider no longer honours the refresh token (expired, revoked, or replayed elsewhere), or answered it
        // with an ID token about someone else (OIDC Core §12.2), whose rotated refresh token must not be used again:
        // the session is over, and the SPA learns it from a 401 with its cookies cleared.
        appendSetCookie(reply, await this.store.delete(loaded, requestCookies(request)))
        request.log.info({ err }, 'the OAuth2 session ended: the provider refused to refresh it')
        throw err instanceof TokenSessionInvalidError ? err : new TokenSessionInvalidError('The provider refused to refresh the tokens; sign in again.', [], { cause: err })
      }
      throw err
    }
  }

  /** For the API proxy: the access token of the request's OAuth2 session, refreshed if due; undefined without one. */
  async accessToken (request: FastifyRequest, reply: FastifyReply): Promise<string | undefined> {
    return (await this.fresh(request, reply))?.tokens.accessToken
  }
}

/**
 * The OAuth2 backend-for-frontend as a decorator, `app.oauth2` (undefined without OAUTH2_CLIENT_ID). The token store
 * is connected when the server is ready and closed with it.
 */
export const oauth2Plugin = fp(async function oauth2 (app: FastifyInstance, options: OAuth2PluginOptions) {
  const { config } = options
  if (config.oauth2 === undefined) {
    app.decorate('oauth2', undefined)
    return
  }
  const store = await createTokenStore(config, app.log, app.redis, options.now)
  app.decorate('oauth2', new OAuth2Service(app, { config: config as Config & { oauth2: OAuth2Config }, store, now: options.now }))
  // The Redis connection is the redis plugin's (connected when ready, closed with the app); a cookie store has none.
  app.addHook('onClose', async function closeTokenStore () {
    await store.close()
  })
}, { name: 'oauth2', fastify: '5.x', dependencies: ['ory-client', 'redis'] })
