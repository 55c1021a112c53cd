import { CloneType, Type, type Static, type TSchema } from '@sinclair/typebox'
import { CheckPermissionResultWithError, Relationship } from '../schemas/generated/models.js'
import { ref } from '../schemas/ref.js'

// The bodies of /api/permissions, built from Keto's relationship model (namespace, object, relation) without its
// subject: the subject is always the signed-in identity. `additionalProperties: false` turns a `subject_id` or
// `subject_set` sent by the SPA into a 400 instead of a question about somebody else.

const NAME_LIMIT = 256
const OBJECT_LIMIT = 1024

export const PermissionCheckBody = Type.Object({
  namespace: CloneType(Relationship.properties.namespace, { minLength: 1, maxLength: NAME_LIMIT, description: 'The namespace of the object, e.g. `Document`.' }),
  object: CloneType(Relationship.properties.object, { minLength: 1, maxLength: OBJECT_LIMIT, description: 'The object, e.g. a document\'s id.' }),
  relation: CloneType(Relationship.properties.relation, { minLength: 1, maxLength: NAME_LIMIT, description: 'The relation or permission, e.g. `view`.' })
}, {
  $id: 'PermissionCheckBody',
  additionalProperties: false,
  description: 'A relationship tuple without a subject: the subject is the signed-in identity, and cannot be given.'
})

export type PermissionCheckBodyType = Static<typeof PermissionCheckBody>

/** The batch body; its limit is PERMISSION_BATCH_MAX. */
export function permissionBatchCheckBody (maxItems: number) {
  return Type.Object({
    tuples: Type.Array(ref<PermissionCheckBodyType>('PermissionCheckBody'), { maxItems, description: `At most ${maxItems} tuples.` })
  }, { $id: 'PermissionBatchCheckBody', additionalProperties: false, description: 'Tuples to check for the signed-in identity, answered in order.' })
}

export type PermissionBatchCheckBodyType = Static<ReturnType<typeof permissionBatchCheckBody>>

export const PermissionCheckResult = Type.Object({
  allowed: CloneType(CheckPermissionResultWithError.properties.allowed)
}, { $id: 'PermissionCheckResult', description: 'Whether the signed-in identity has the relation.' })

export const PermissionBatchCheckResult = Type.Object({
  results: Type.Array(Type.Object({
    allowed: CloneType(CheckPermissionResultWithError.properties.allowed),
    error: Type.Optional(CloneType(CheckPermissionResultWithError.properties.error, { description: 'Why Keto could not decide this tuple.' }))
  }))
}, { $id: 'PermissionBatchCheckResult', description: 'One answer per tuple, in the order asked.' })

/** Every schema of the permission routes, for `addSchema` at the root (so that /openapi.json lists them). */
export function permissionSchemas (batchMax: number): TSchema[] {
  return [PermissionCheckBody, permissionBatchCheckBody(batchMax), PermissionCheckResult, PermissionBatchCheckResult]
}

export const permissionCheckBodyRef = ref<PermissionCheckBodyType>('PermissionCheckBody')
export const permissionBatchCheckBodyRef = ref<PermissionBatchCheckBodyType>('PermissionBatchCheckBody')
export const permissionCheckResultRef = ref<Static<typeof PermissionCheckResult>>('PermissionCheckResult')
export const permissionBatchCheckResultRef = ref<Static<typeof PermissionBatchCheckResult>>('PermissionBatchCheckResult')
