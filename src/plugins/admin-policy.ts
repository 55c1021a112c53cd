import type { FastifyRequest } from 'fastify'
import type { AdminPolicy } from '../config.js'
import { ErrorCodes, HttpError } from '../errors.js'
import { PermissionChecker } from '../permissions/checker.js'
import { subjectOf } from './permissions.js'

// ADMIN_POLICY's decision for the signed-in identity. A Keto policy asks Keto for the identity itself, as subject,
// with a cache of its own keyed by identity (ADMIN_POLICY_CACHE_TTL_MS): answers are never shared between identities,
// and a denial is cached like a grant, so that an identity that loses the relation loses access within the TTL. A
// metadata policy reads the session, which the session cache already keeps for SESSION_CACHE_TTL_MS.

/** Most identities whose Keto answer is kept. */
export const ADMIN_POLICY_CACHE_MAX = 10_000

const FORBIDDEN = 'The requested action was forbidden'

/** Does public metadata hold `value` under `key`: equal to it, or, for an array, containing it. */
export function metadataGrants (metadata: unknown, key: string, value: string): boolean {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return false
  if (!Object.hasOwn(metadata, key)) return false
  const held = (metadata as Record<string, unknown>)[key]
  return held === value || (Array.isArray(held) && held.includes(value))
}

export class AdminPolicyGuard {
  readonly policy: AdminPolicy
  readonly #keto: PermissionChecker | undefined

  constructor (policy: AdminPolicy, options: { cacheTtlMs: number, now?: () => number }) {
    this.policy = policy
    this.#keto = policy.kind === 'keto'
      ? new PermissionChecker({ cache: { ttlMs: options.cacheTtlMs, max: ADMIN_POLICY_CACHE_MAX, now: options.now }, batchMax: 1 })
      : undefined
  }

  /** Lets the request through, or throws a 403 in Ory's shape; requireSession has run. Keto's failures are 502/504s. */
  async check (request: FastifyRequest): Promise<void> {
    const subject = subjectOf(request)
    const policy = this.policy
    let granted: boolean
    if (policy.kind === 'keto') {
      // Only a boolean true lets the request through, whatever the checker hands back.
      granted = await this.#keto!.check(request.ory, subject, { namespace: policy.namespace, object: policy.object, relation: policy.relation }) === true
    } else {
      granted = metadataGrants(request.session?.identity?.metadata_public, policy.key, policy.value)
    }
    if (!granted) {
      throw new HttpError(403, FORBIDDEN, {
        code: ErrorCodes.PERMISSION_DENIED,
        id: 'admin_forbidden',
        reason: 'The signed-in identity may not use the admin API.'
      })
    }
  }
}
