// TOKEN_STORE=redis: sessions on a Redis (or Valkey) server that every replica shares. The browser's cookie holds
// only `<session id>.<session key>`, both random; the record is the session encrypted with that key (AES-256-GCM,
// the id as additional data) under a key made of the id's SHA-256. A dump of Redis thus holds neither a token nor
// anything that would let one be found from a cookie, and a cookie without its record is worth nothing. Records are
// indexed by the user's `sub` and the provider's `sid`, so that a back-channel logout (OpenID Connect Back-Channel
// Logout 1.0 §2.7) can end them; a refresh takes a lock with a lease, so that one replica refreshes and the others
// use its tokens.
import { createHash, randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisClient, RedisLog } from '../../redis/client.js'
import { SESSION_COOKIE, clearCookie, cookieName, setCookie } from '../cookies.js'
import { TokenSessionInvalidError, TokenStoreUnavailableError } from '../errors.js'
import { SealError, decryptWithKey, encryptWithKey, randomKey } from '../seal.js'
import type { LoadedSession, OAuth2Session, RequestCookies, TokenStore } from '../types.js'
import { isOAuth2Session } from './session-shape.js'
import { Memo, SingleFlight } from './single-flight.js'

export interface RedisTokenStoreOptions {
  client: RedisClient
  /** Whether `close` closes the client as well; default true. */
  ownsClient?: boolean
  /** The browser reaches the BFF over https: a `__Host-` name and Secure. */
  secure: boolean
  /** The cookie's name before any prefix; default `bff_session`. */
  cookieName?: string
  /**
   * How long the refresh lock is held at most, should its holder die; default 10 000 ms. It must be longer than a
   * token request may take, or a second replica could refresh with the same refresh token.
   */
  lockLeaseMs?: number
  /** How long a refresh waits for another replica's lock before it answers 503; default the lease and 1 s more. */
  lockWaitMs?: number
  log?: RedisLog
  /** The clock, in epoch milliseconds (TTLs). */
  now?: () => number
}

interface RedisHandle {
  id: string
  key: Buffer
}

const SESSION_ID = /^[A-Za-z0-9_-]{22,256}$/
const COOKIE_VALUE = /^([A-Za-z0-9_-]{22,256})\.([A-Za-z0-9_-]{43})$/
const MEMBER = /^[A-Za-z0-9_-]{43}$/

// One round trip, atomic: the record, and its membership in the indexes, whose lifetime is stretched to the longest
// of their sessions'. An update (a refresh) writes only if the record still exists, so that a session ended by a
// back-channel logout while its refresh was under way is not brought back.
const SAVE_SCRIPT = `
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[3])
  if redis.call('TTL', KEYS[i]) < tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[i], ARGV[2]) end
end
return 1`

// Releases the lock only if it is still ours: after the lease passed it may be another replica's.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

const JTI_MIN_SECONDS = 60
const ENDED = 'The OAuth2 session has ended or expired'

export class RedisTokenStore implements TokenStore {
  readonly kind = 'redis' as const
  readonly #client: RedisClient
  readonly #ownsClient: boolean
  readonly #secure: boolean
  readonly #name: string
  readonly #leaseMs: number
  readonly #waitMs: number
  readonly #log: RedisLog
  readonly #now: () => number
  readonly #flights = new SingleFlight()

  readonly #opened = new Memo<{ id: string, key: Buffer, session: OAuth2Session }>(2_000)

  constructor (options: RedisTokenStoreOptions) {
    this.#client = options.client
    this.#ownsClient = options.ownsClient ?? true
    this.#secure = options.secure
    this.#name = cookieName(options.cookieName ?? SESSION_COOKIE, options.secure)
    this.#leaseMs = options.lockLeaseMs ?? 10_000
    this.#waitMs = options.lockWaitMs ?? this.#leaseMs + 1000
    this.#log = options.log ?? (() => {})
    this.#now = options.now ?? Date.now
  }

  async load (cookies: RequestCookies): Promise<LoadedSession | undefined> {
    const value = cookies[this.#name]
    if (value === undefined) return undefined
    const match = COOKIE_VALUE.exec(value)
    if (match === null) throw new TokenSessionInvalidError('The session cookie is malformed', [this.#clear()])
    const handle: RedisHandle = { id: match[1]!, key: Buffer.from(match[2]!, 'base64url') }
    const session = await this.#read(handle)
    if (session === undefined) throw new TokenSessionInvalidError(ENDED, [this.#clear()])
    return { session, handle }
  }

  /** The session as Redis holds it now (another replica may have refreshed it); undefined once it is gone. */
  async reread (loaded: LoadedSession): Promise<OAuth2Session | undefined> {
    const handle = handleOf(loaded)
    return handle === undefined ? undefined : await this.#read(handle)
  }

  async save (session: OAuth2Session, previous?: LoadedSession): Promise<string[]> {
    if (!SESSION_ID.test(session.id)) throw new TypeError('A session id must be at least 128 random bits, base64url')
    const before = handleOf(previous)
    const update = before !== undefined && before.id === session.id
    const key = update ? before.key : randomKey()
    const ttl = Math.max(1, Math.ceil(session.expiresAt - this.#now() / 1000))
    const id = hash(session.id)
    const keys = [this.#client.key('session', id), this.#client.key('sub', hash(session.sub))]
    if (session.sid !== undefined) keys.push(this.#client.key('sid', hash(session.sid)))
    const value = encryptWithKey(key, JSON.stringify(session), session.id)
    const saved = await this.#command('store the session', async () => await this.#client.redis.eval(SAVE_SCRIPT, keys.length, ...keys, value, ttl, id, update ? '1' : '0'))
    if (saved === 0) throw new TokenSessionInvalidError(ENDED, [this.#clear()])
    return [setCookie(this.#name, `${session.id}.${key.toString('base64url')}`, { maxAge: ttl, secure: this.#secure })]
  }

  async delete (loaded: LoadedSession | undefined, cookies: RequestCookies): Promise<string[]> {
    const handle = handleOf(loaded)
    if (loaded !== undefined && handle !== undefined) {
      const id = hash(handle.id)
      const multi = this.#client.redis.multi().del(this.#client.key('session', id)).srem(this.#client.key('sub', hash(loaded.session.sub)), id)
      if (loaded.session.sid !== undefined) multi.srem(this.#client.key('sid', hash(loaded.session.sid)), id)
      await this.#command('delete the session', async () => await multi.exec())
    }
    return loaded !== undefined || cookies[this.#name] !== undefined ? [this.#clear()] : []
  }

  clearCookies (cookies: RequestCookies): string[] {
    return cookies[this.#name] === undefined ? [] : [this.#clear()]
  }

  async exclusive<T> (sessionId: string, reread: () => Promise<OAuth2Session | undefined>, refresh: (current: OAuth2Session | undefined) => Promise<T>): Promise<T> {
    // One flight per session in this process, then one holder of the lock across replicas: a replica that waited
    // for another's lock rereads the session under the lock, and finds it refreshed.
    return await this.#flights.run(sessionId, async () => {
      const lock = this.#client.key('lock', hash(sessionId))
      const token = randomBytes(16).toString('base64url')
      await this.#acquire(lock, token)
      try {
        return await refresh(await reread())
      } finally {
        await this.#release(lock, token)
      }
    })
  }

  async endSessions (selector: { sid?: string, sub?: string }): Promise<number> {
    const { sid, sub } = selector
    if (sid === undefined && sub === undefined) throw new TypeError('endSessions needs a sid or a sub')
    const sidKey = sid === undefined ? undefined : this.#client.key('sid', hash(sid))
    const subKey = sub === undefined ? undefined : this.#client.key('sub', hash(sub))
    const redis = this.#client.redis
    // With both, the sessions of that provider session of that user (Back-Channel Logout §2.4: sid, sub or both).
    const members = await this.#command('find the sessions to end', async () => {
      if (sidKey !== undefined && subKey !== undefined) return await redis.sinter(sidKey, subKey)
      return await redis.smembers((sidKey ?? subKey)!)
    })
    const ids = members.filter(member => MEMBER.test(member))
    if (ids.length === 0) return 0
    const multi = redis.multi().del(...ids.map(id => this.#client.key('session', id)))
    for (const index of [sidKey, subKey]) if (index !== undefined) multi.srem(index, ...ids)
    const results = await this.#command('end the sessions', async () => await multi.exec())
    const [error, deleted] = results?.[0] ?? [new Error('the transaction was aborted'), 0]
    if (error !== null) throw new TokenStoreUnavailableError('The session store could not end the sessions', { cause: error })
    return Number(deleted)
  }

  async rememberJti (jti: string, expiresAt: number): Promise<boolean> {
    // At least a minute: a token accepted within the clock-skew allowance past its `exp` is still refused twice.
    const at = Math.max(Math.ceil(expiresAt), Math.ceil(this.#now() / 1000) + JTI_MIN_SECONDS)
    const set = await this.#command('remember the logout token', async () => await this.#client.redis.set(this.#client.key('jti', hash(jti)), '1', 'EXAT', at, 'NX'))
    return set === 'OK'
  }

  async connect (): Promise<boolean> {
    return await this.#client.connect()
  }

  async ping (): Promise<boolean> {
    return await this.#client.ping(Math.min(1000, this.#client.commandTimeoutMs))
  }

  async close (): Promise<void> {
    if (this.#ownsClient) await this.#client.close()
  }

  async #read (handle: RedisHandle): Promise<OAuth2Session | undefined> {
    const raw = await this.#command('read the session', async () => await this.#client.redis.get(this.#client.key('session', hash(handle.id))))
    if (raw === null) return undefined
    // The record is read on every request (another replica may have refreshed or ended it), but one that has not
    // changed is not decrypted and parsed again: the same ciphertext (a random IV each write) opened with the same key.
    const opened = this.#opened.get(raw, this.#now())
    if (opened !== undefined && opened.id === handle.id && handle.key.equals(opened.key)) return opened.session
    let value: unknown
    try {
      value = JSON.parse(decryptWithKey(handle.key, raw, handle.id).toString('utf8'))
    } catch (err) {
      // The cookie's key does not open the record of its id: a forged or mixed-up cookie.
      const reason = err instanceof SealError ? 'The session cookie does not match its session' : 'The stored session is malformed'
      throw new TokenSessionInvalidError(reason, [this.#clear()], { cause: err })
    }
    if (!isOAuth2Session(value) || value.id !== handle.id) throw new TokenSessionInvalidError('The stored session is malformed', [this.#clear()])
    this.#opened.set(raw, { id: handle.id, key: handle.key, session: value }, value.expiresAt * 1000)
    return value
  }

  async #acquire (lock: string, token: string): Promise<void> {
    const deadline = performance.now() + this.#waitMs
    let pause = 10
    let waiting = false
    for (;;) {
      const taken = await this.#command('take the refresh lock', async () => await this.#client.redis.set(lock, token, 'PX', this.#leaseMs, 'NX'))
      if (taken === 'OK') return
      if (!waiting) {
        waiting = true
        this.#log('debug', 'Another replica is refreshing this session; waiting for its tokens')
      }
      const left = deadline - performance.now()
      if (left <= 0) throw new TokenStoreUnavailableError('Another replica held the refresh lock of this session for too long')
      // Short, growing pauses: the holder's token request usually takes tens of milliseconds.
      await sleep(Math.min(pause, left))
      pause = Math.min(pause * 2, 200)
    }
  }

  async #release (lock: string, token: string): Promise<void> {
    try {
      await this.#client.redis.eval(RELEASE_SCRIPT, 1, lock, token)
    } catch (err) {
      // The lease ends it anyway; the refresh itself succeeded or failed on its own.
      this.#log('warn', 'Could not release the refresh lock; it expires with its lease', { err: { message: (err as Error).message } })
    }
  }

  async #command<T> (what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (err) {
      throw new TokenStoreUnavailableError(`The session store did not answer (could not ${what})`, { cause: err })
    }
  }

  #clear (): string {
    return clearCookie(this.#name, this.#secure)
  }
}

function handleOf (loaded: LoadedSession | undefined): RedisHandle | undefined {
  const handle = loaded?.handle as Partial<RedisHandle> | undefined
  return typeof handle?.id === 'string' && Buffer.isBuffer(handle.key) ? handle as RedisHandle : undefined
}

function hash (value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url')
}
