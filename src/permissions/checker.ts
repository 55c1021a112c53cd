import { ErrorCodes, OryBadResponseError, OryBffError, OryUpstreamError, permission, type CallOptions, type OryClient } from '../ory/index.js'
import { HttpError } from '../errors.js'
import { PermissionCache, type PermissionCacheOptions, type PermissionTuple } from './cache.js'

export type { PermissionTuple } from './cache.js'

/** One answer of a batch, as Keto gives it: `error` when Keto could not decide that tuple. */
export interface PermissionResult {
  allowed: boolean
  error?: string
}

export interface PermissionCheckerOptions {
  cache: PermissionCacheOptions
  /** Most tuples one batch may ask about (Keto's own limit is 10 unless configured otherwise). */
  batchMax: number
}

/**
 * Asks Keto whether a subject holds relations, through the typed client's permission group, with an optional short
 * cache in front. The subject is always a parameter of the caller's (the signed-in identity), never part of a tuple.
 */
export class PermissionChecker {
  readonly cache: PermissionCache
  readonly batchMax: number

  constructor (options: PermissionCheckerOptions) {
    this.cache = new PermissionCache(options.cache)
    this.batchMax = options.batchMax
  }

  async check (client: OryClient, subject: string, tuple: PermissionTuple, options?: CallOptions): Promise<boolean> {
    const cached = this.cache.get(subject, tuple)
    if (cached !== undefined) return cached
    // The /openapi variant answers 200 {"allowed": false} instead of 403, so a denial is an answer, not an error.
    // Checked against Keto's model: an `allowed` that is merely truthy ("false", 1) must never grant anything.
    const result = await upstream(permission.checkPermission(client, { ...pick(tuple), subject_id: subject }, checked(options)))
    const { allowed } = result.body
    this.cache.set(subject, tuple, allowed)
    return allowed
  }

  /** Answers in the order asked; only the tuples the cache cannot answer go to Keto, in one batch call. */
  async checkBatch (client: OryClient, subject: string, tuples: readonly PermissionTuple[], options?: CallOptions): Promise<PermissionResult[]> {
    if (tuples.length > this.batchMax) {
      throw new HttpError(400, 'The request was malformed or contained invalid parameters', { reason: `A batch may check at most ${this.batchMax} tuples.` })
    }
    const results: Array<PermissionResult | undefined> = tuples.map(tuple => {
      const allowed = this.cache.get(subject, tuple)
      return allowed === undefined ? undefined : { allowed }
    })
    const missing = tuples.flatMap((tuple, index) => results[index] === undefined ? [{ tuple, index }] : [])
    if (missing.length === 0) return results as PermissionResult[]

    const body = { tuples: missing.map(({ tuple }) => ({ ...pick(tuple), subject_id: subject })) }
    const answer = await upstream(permission.batchCheckPermission(client, { body }, checked(options)))
    const answered = answer.body.results
    if (answered.length !== missing.length) {
      throw new OryBadResponseError(`Ory answered batchCheckPermission with ${answered.length} results for ${missing.length} tuples`, {
        operationId: 'batchCheckPermission',
        reason: 'The upstream service answered with an unexpected body.'
      })
    }
    missing.forEach(({ tuple, index }, position) => {
      const result = answered[position]!
      results[index] = result.error === undefined ? { allowed: result.allowed } : { allowed: result.allowed, error: result.error }
      // A tuple Keto could not decide is not an answer worth keeping.
      if (result.error === undefined) this.cache.set(subject, tuple, result.allowed)
    })
    return results as PermissionResult[]
  }
}

/** Keto's answers decide access: they are validated against its models whatever the client's default (a 502 if not). */
function checked (options: CallOptions | undefined): CallOptions {
  return { ...options, validateResponse: true }
}

function pick ({ namespace, object, relation }: PermissionTuple): PermissionTuple {
  return { namespace, object, relation }
}

/**
 * Keto's 401 and 403 here are about the BFF's own credentials (ORY_API_KEY), not the user's: passed on, the SPA
 * would take them for "signed out" or "denied". They become a 502 that says what is wrong.
 */
async function upstream<T> (call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (err) {
    if (err instanceof OryUpstreamError && (err.status === 401 || err.status === 403)) {
      // An OryBffError is logged as a failure with its cause: the operator has something to fix.
      throw new OryBffError(ErrorCodes.UPSTREAM_STATUS, 502, `Ory refused ${err.operationId ?? 'the permission check'} with status ${err.status}`, {
        cause: err,
        operationId: err.operationId,
        reason: 'The permission API refused the BFF\'s credentials; check ORY_API_KEY.'
      })
    }
    throw err
  }
}
