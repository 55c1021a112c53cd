// TOKEN_STORE=cookie: the whole session, sealed (AES-256-GCM under a key derived from COOKIE_SECRET), in the
// browser's cookies. Nothing is shared between replicas, so nothing is needed but the secret; the price is that a
// session cannot be ended from the server side (no back-channel logout), and that each replica refreshes on its own.
import { TokenSessionInvalidError, TokenStoreUnsupportedError } from '../errors.js'
import { BffError, ErrorCodes } from '../../errors.js'
import { MAX_CHUNKED_BYTES, MAX_CHUNKS, MAX_COOKIE_VALUE_BYTES, SESSION_COOKIE, clearChunked, clearCookie, cookieName, readChunked, writeChunked } from '../cookies.js'
import { SealError, Sealer, type SealErrorReason } from '../seal.js'
import type { LoadedSession, OAuth2Session, RequestCookies, TokenStore } from '../types.js'
import { isOAuth2Session } from './session-shape.js'
import { Memo, SingleFlight } from './single-flight.js'

/** HKDF's `info` for the session cookie's key: a key of its own, so no other sealed cookie opens as a session. */
export const TOKEN_SESSION_PURPOSE = 'token-session'

export interface CookieTokenStoreOptions {
  /** COOKIE_SECRET's secrets, the sealing one first. */
  secrets: readonly string[]
  /** The browser reaches the BFF over https: `__Host-` names and Secure. */
  secure: boolean
  /** The cookie's name before any prefix; default `bff_session`. */
  cookieName?: string
  /** How long a refreshed session is remembered for requests that still carry the previous cookie; default 60 s. */
  memoTtlMs?: number
  /** How many refreshed sessions are remembered at most; default 10 000. */
  memoMax?: number
  /** How many opened session cookies are kept, so that the next request with the same cookie skips opening it; default 2 000. */
  openedMax?: number
  /** The clock, in epoch milliseconds. */
  now?: () => number
}

interface CookieHandle {
  /** The names of the session's cookies the request carried. */
  names: string[]
}

const REASONS: Record<SealErrorReason, string> = {
  malformed: 'The session cookie is malformed or incomplete',
  unknown_key: 'The session cookie was sealed with a key this server no longer has',
  tampered: 'The session cookie was altered',
  expired: 'The session cookie has expired'
}

export class CookieTokenStore implements TokenStore {
  readonly kind = 'cookie' as const
  readonly #sealer: Sealer
  readonly #base: string
  readonly #name: string
  readonly #secure: boolean
  readonly #memoTtlMs: number
  readonly #now: () => number
  readonly #flights = new SingleFlight()
  // The browser sends the cookie it has; a request sent before the answer with the refreshed cookie arrived still
  // carries the previous one, whose refresh token has been used. The refreshed session is kept here for a while so
  // that such a request uses it instead of replaying the old refresh token.
  readonly #refreshed: Memo<OAuth2Session>
  // The same session sealed once: the requests that joined one refresh get the very same cookies.
  readonly #sealed = new WeakMap<OAuth2Session, string>()
  // Sessions already opened, by their exact sealed value: an SPA sends the same cookie with every call, and opening it
  // (base64url, AES-GCM, JSON) is most of what a proxied call costs the BFF. A hit is the very string that was
  // authenticated before, so nothing is trusted that was not checked; entries drop at the session's expiry.
  readonly #opened: Memo<OAuth2Session>
  // Sessions signed out here: a copy of their cookie, taken before the logout, no longer opens in this process. Other
  // replicas do not know (nothing is shared); the provider has revoked the tokens, so the copy's calls fail there.
  readonly #ended: Memo<true>

  constructor (options: CookieTokenStoreOptions) {
    this.#sealer = new Sealer(options.secrets, TOKEN_SESSION_PURPOSE)
    this.#base = options.cookieName ?? SESSION_COOKIE
    this.#secure = options.secure
    this.#name = cookieName(this.#base, options.secure)
    this.#memoTtlMs = options.memoTtlMs ?? 60_000
    this.#refreshed = new Memo(options.memoMax ?? 10_000)
    this.#opened = new Memo(options.openedMax ?? 2_000)
    this.#ended = new Memo(options.memoMax ?? 10_000)
    this.#now = options.now ?? Date.now
  }

  async load (cookies: RequestCookies): Promise<LoadedSession | undefined> {
    const read = readChunked(cookies, this.#name)
    if (read.status === 'none') return undefined
    const clear = read.names.map(name => clearCookie(name, this.#secure))
    if (read.status === 'malformed') throw new TokenSessionInvalidError(`${REASONS.malformed} (${read.problem})`, clear)
    const now = this.#now()
    const opened = this.#opened.get(read.value, now)
    if (opened !== undefined) return this.#unlessEnded(opened, read.names, clear, now)
    let value: unknown
    try {
      value = this.#sealer.open(read.value, this.#base, now / 1000)
    } catch (err) {
      if (err instanceof SealError) throw new TokenSessionInvalidError(REASONS[err.reason], clear, { cause: err })
      throw err
    }
    if (!isOAuth2Session(value)) throw new TokenSessionInvalidError(REASONS.malformed, clear)
    this.#opened.set(read.value, value, value.expiresAt * 1000)
    return this.#unlessEnded(value, read.names, clear, now)
  }

  #unlessEnded (session: OAuth2Session, names: string[], clear: string[], now: number): LoadedSession {
    if (this.#ended.get(session.id, now) !== undefined) throw new TokenSessionInvalidError('The OAuth2 session was signed out', clear)
    const handle: CookieHandle = { names }
    return { session, handle }
  }

  async save (session: OAuth2Session, previous?: LoadedSession): Promise<string[]> {
    const now = this.#now()
    // The base name is the additional data: a session cookie renamed or moved into another cookie does not open.
    let sealed = this.#sealed.get(session)
    if (sealed === undefined) {
      sealed = this.#sealer.seal(session, session.expiresAt, this.#base)
      // Too large for the cookies (a provider's ID token with many or long claims): the ID token is only kept for
      // `id_token_hint` at logout, which OpenID Connect RP-Initiated Logout §2 lets `client_id` stand in for.
      if (sealed.length > MAX_CHUNKED_BYTES && session.tokens.idToken !== undefined) {
        const { idToken: _dropped, ...tokens } = session.tokens
        sealed = this.#sealer.seal({ ...session, tokens }, session.expiresAt, this.#base)
      }
      if (sealed.length > MAX_CHUNKED_BYTES) {
        throw new BffError(ErrorCodes.OAUTH2_PROVIDER_ERROR, 502, 'The session is too large to keep in cookies', {
          reason: `Sealed, the session takes ${sealed.length} bytes, more than ${MAX_CHUNKS} cookies of ${MAX_COOKIE_VALUE_BYTES} bytes hold: ask for fewer claims (OAUTH2_USER_CLAIMS, OAUTH2_SCOPES), or set TOKEN_STORE=redis.`
        })
      }
      this.#sealed.set(session, sealed)
    }
    const lines = writeChunked(this.#name, sealed, { maxAge: session.expiresAt - now / 1000, secure: this.#secure }, namesOf(previous))
    if (previous !== undefined && previous.session.id === session.id && previous.session !== session) {
      this.#refreshed.set(session.id, session, now + this.#memoTtlMs)
    }
    return lines
  }

  async delete (loaded: LoadedSession | undefined, cookies: RequestCookies): Promise<string[]> {
    if (loaded !== undefined) {
      this.#refreshed.delete(loaded.session.id)
      this.#ended.set(loaded.session.id, true, loaded.session.expiresAt * 1000)
    }
    const read = readChunked(cookies, this.#name)
    if (read.status === 'ok') this.#opened.delete(read.value)
    return clearChunked(cookies, this.#name, this.#secure, namesOf(loaded))
  }

  clearCookies (cookies: RequestCookies): string[] {
    return clearChunked(cookies, this.#name, this.#secure)
  }

  /**
   * The newest this process knows of the request's session: the one it refreshed lately, if that is newer than
   * what the cookie holds.
   */
  async reread (loaded: LoadedSession): Promise<OAuth2Session | undefined> {
    const refreshed = this.#refreshed.get(loaded.session.id, this.#now())
    if (refreshed !== undefined && refreshed.tokens.accessTokenIssuedAt >= loaded.session.tokens.accessTokenIssuedAt) return refreshed
    return loaded.session
  }

  async exclusive<T> (sessionId: string, reread: () => Promise<OAuth2Session | undefined>, refresh: (current: OAuth2Session | undefined) => Promise<T>): Promise<T> {
    return await this.#flights.run(sessionId, async () => await refresh(await reread()))
  }

  async endSessions (_selector: { sid?: string, sub?: string }): Promise<number> {
    throw new TokenStoreUnsupportedError('Back-channel logout needs a session store the server can delete from: set TOKEN_STORE=redis')
  }

  async rememberJti (_jti: string, _expiresAt: number): Promise<boolean> {
    throw new TokenStoreUnsupportedError('Back-channel logout needs a shared store for logout token ids: set TOKEN_STORE=redis')
  }

  async connect (): Promise<boolean> {
    return true
  }

  async ping (): Promise<boolean> {
    return true
  }

  async close (): Promise<void> {
    this.#refreshed.clear()
  }
}

function namesOf (loaded: LoadedSession | undefined): string[] {
  const handle = loaded?.handle as Partial<CookieHandle> | undefined
  return Array.isArray(handle?.names) ? handle.names : []
}
