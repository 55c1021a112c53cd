import type { OperationSpec } from '../ory/operation.js'
import { operations } from '../ory/generated/operations.js'

/** Identity schemas are read by browsers too (the registration form's traits, `identity.schema_url`). */
const SCHEMA_OPERATIONS: ReadonlySet<string> = new Set(['listIdentitySchemas', 'getIdentitySchema'])

/** Answers that hold nothing of a user's and may be cached as Ory says; every other answer is `no-store`. */
export const CACHEABLE_OPERATIONS: ReadonlySet<string> = new Set(['listIdentitySchemas', 'getIdentitySchema', 'getWebAuthnJavaScript'])

/**
 * Every browser-facing operation of the spec, taken from the generated table: the whole `frontend` group (flows for
 * browsers and native apps, flow errors, FedCM, sessions, token exchange, webauthn.js) and the identity schemas.
 */
export function mirroredOperations (): OperationSpec[] {
  return (Object.values(operations) as OperationSpec[]).filter(op => op.api === 'project' && (op.group === 'frontend' || SCHEMA_OPERATIONS.has(op.operationId)))
}

/** The Fastify path of an operation: `/sessions/{id}` → `/sessions/:id`. */
export function routePath (op: OperationSpec): string {
  return op.path.replace(/\{([^}]+)\}/g, ':$1')
}
