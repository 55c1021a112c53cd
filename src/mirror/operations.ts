import { Type } from '@sinclair/typebox'
import type { BodySpec, OperationSpec, ParamSpec } from '../ory/operation.js'
import { operations } from '../ory/generated/operations.js'
import type { PassThroughMethod } from './allowlist.js'
import { FORM_MEDIA_TYPE } from './form.js'

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

/** An HTML form post (OIDC and SAML callbacks, Hydra's forms): the only body the pass-through sends, as it came. */
const FORM_BODY: BodySpec = { required: false, mediaTypes: [FORM_MEDIA_TYPE], schema: Type.Unknown() }
const NO_SECURITY: OperationSpec['security'] = []
const NO_RESPONSES: OperationSpec['responses'] = {}

/**
 * The operation of an allowlisted path outside the spec (see allowlist.ts), for the typed client: the path and the
 * query as they came, a form body on POST, and no credentials of the BFF's (the answer is streamed, never parsed).
 */
export function passThroughOperation (id: string, method: PassThroughMethod, path: string, params: readonly ParamSpec[]): OperationSpec {
  return method === 'POST'
    ? { operationId: id, group: 'mirror', api: 'project', method, path, security: NO_SECURITY, params, body: FORM_BODY, responses: NO_RESPONSES, paginated: false }
    : { operationId: id, group: 'mirror', api: 'project', method, path, security: NO_SECURITY, params, responses: NO_RESPONSES, paginated: false }
}
