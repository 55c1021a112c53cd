import { setTimeout as sleep } from 'node:timers/promises'
import type { HttpMethod } from './operation.js'

export interface RetryOptions {
  /** Further attempts after the first; 0 turns retries off. */
  retries: number
  /** The back-off before the first retry is drawn from [0, minDelayMs]; it doubles per retry up to maxDelayMs. */
  minDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryOptions = { retries: 2, minDelayMs: 100, maxDelayMs: 2000 }

/** RFC 9110 §9.2.2: only these may be sent twice. POST and PATCH never are. */
const IDEMPOTENT = new Set<HttpMethod>(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])
const RETRY_STATUSES = new Set([502, 503, 504])

export function isIdempotent (method: HttpMethod): boolean {
  return IDEMPOTENT.has(method)
}

export function isRetryableStatus (status: number): boolean {
  return RETRY_STATUSES.has(status)
}

/** "Full jitter" back-off: a random delay up to an exponentially growing, capped ceiling. */
export function backoff (attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** attempt)
  return Math.floor(random() * ceiling)
}

/** A `Retry-After` (RFC 9110 §10.2.3) in seconds or as a date, capped; undefined when absent or unreadable. */
export function retryAfter (value: string | string[] | undefined, capMs: number, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (text === undefined || text.trim() === '') return undefined
  const seconds = Number(text)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - now
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), capMs) : undefined
}

export async function wait (ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return
  await sleep(ms, undefined, { signal })
}
