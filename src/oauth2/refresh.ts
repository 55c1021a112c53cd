// Keeps a session's access token fresh: refreshed a little before it expires, exactly once per session however many
// requests (and, with Redis, replicas) find it due at the same moment. With refresh token rotation a refresh token
// works once; a second use is taken for theft and the whole family is revoked (RFC 9700 §4.14.2, Hydra's
// "refresh token reuse detection"), which would sign the user out.
import { TokenSessionInvalidError } from './errors.js'
import type { LoadedSession, OAuth2Session, TokenStore } from './types.js'

/** A store that can read a session again from its handle, as it is now (both stores of src/oauth2/stores can). */
export interface RefresherOptions {
  store: TokenStore
  /** The token request (grant_type=refresh_token); its errors reach every caller unchanged. */
  refresh: (session: OAuth2Session) => Promise<OAuth2Session>
  /** Refresh this many seconds before the access token expires (at most half its lifetime). */
  skewSeconds: number
  /** The clock, in epoch milliseconds. */
  now?: () => number
}

export interface FreshSession {
  session: OAuth2Session
  /** The Set-Cookie lines this request's answer must carry (the cookie store's new cookies). */
  setCookies: string[]
}

interface Outcome extends FreshSession {
  /** Whether the session the request came with was replaced. */
  changed: boolean
}

export class Refresher {
  readonly #store: TokenStore
  readonly #refresh: (session: OAuth2Session) => Promise<OAuth2Session>
  readonly #skewSeconds: number
  readonly #now: () => number

  constructor (options: RefresherOptions) {
    if (!Number.isFinite(options.skewSeconds) || options.skewSeconds < 0) throw new RangeError('skewSeconds must be a number of seconds, 0 or more')
    this.#store = options.store
    this.#refresh = options.refresh
    this.#skewSeconds = options.skewSeconds
    this.#now = options.now ?? Date.now
  }

  /**
   * Expired, or closer to its expiry than the skew. The skew is capped at half the token's lifetime, so that a
   * short-lived token (shorter than twice the skew) is not refreshed on every request.
   */
  isDue (session: OAuth2Session): boolean {
    const { accessTokenExpiresAt, accessTokenIssuedAt } = session.tokens
    const remaining = accessTokenExpiresAt - this.#now() / 1000
    if (remaining <= 0) return true
    const lifetime = Math.max(0, accessTokenExpiresAt - accessTokenIssuedAt)
    return remaining < Math.min(this.#skewSeconds, lifetime / 2)
  }

  async ensureFresh (loaded: LoadedSession): Promise<FreshSession> {
    if (!this.isDue(loaded.session)) return { session: loaded.session, setCookies: [] }
    const store = this.#store
    let led = false
    const outcome = await store.exclusive<Outcome>(loaded.session.id, async () => await this.#reread(loaded), async current => {
      led = true
      if (current === undefined) throw new TokenSessionInvalidError('The OAuth2 session has ended', await store.delete(loaded, {}))
      if (!this.isDue(current)) {
        // Refreshed meanwhile (by a request of this process that this one did not join, or by another replica).
        // The cookie store's session is the cookie: this browser must get the new one. The Redis store's cookie
        // names the record, which already holds the new tokens.
        const changed = current !== loaded.session
        const setCookies = changed && store.kind === 'cookie' ? await store.save(current, loaded) : []
        return { session: current, setCookies, changed }
      }
      const next = await this.#refresh(current)
      return { session: next, setCookies: await store.save(next, loaded), changed: true }
    })
    // Joined another request's refresh: the new session is shared, but the cookie store's lines were made for the
    // cookies that request carried; this request's own (its stale chunks) are made here, which writes nothing.
    if (!led && outcome.changed && store.kind === 'cookie') return { session: outcome.session, setCookies: await store.save(outcome.session, loaded) }
    return { session: outcome.session, setCookies: outcome.setCookies }
  }

  async #reread (loaded: LoadedSession): Promise<OAuth2Session | undefined> {
    return await this.#store.reread(loaded)
  }
}
