import type { TSchema } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Issue } from '../errors.js'
import { subjectOf } from '../plugins/permissions.js'
import { requireSession } from '../plugins/session.js'
import {
  PermissionCheckBody, permissionBatchCheckBody, permissionBatchCheckBodyRef, permissionBatchCheckResultRef, permissionCheckBodyRef,
  permissionCheckResultRef
} from './permission-schemas.js'
import { LazyCheck, type CheckRegistry } from '../schemas/check.js'
import { validatorCompiler } from './validation.js'

// Keto checks for the signed-in identity, under /api/permissions. The subject is never the SPA's to choose: it is the
// session's identity, and a body that names one is refused before anything reaches Ory.

const SUBJECT_PROPERTIES = new Set(['subject_id', 'subject_set'])

/**
 * Bodies checked with TypeBox like the other routes of the BFF (see validation.ts); the route schemas are `$ref`s to
 * the registered models, resolved here. Each problem a 400 with its JSON path.
 */
function checkOf (references: Map<string, TSchema>, checks: CheckRegistry): (schema: TSchema) => (value: unknown) => Issue[] {
  return schema => {
    const id = (schema as { $ref?: unknown }).$ref
    const target = typeof id === 'string' ? references.get(id) : schema
    if (target === undefined) throw new Error(`no schema ${String(id)} for the permission routes`)
    const lazy = new LazyCheck(target, [...references.values()], checks)
    return value => lazy.issues(value).map(issue => SUBJECT_PROPERTIES.has(issue.path.split('/').at(-1) ?? '')
      ? { path: issue.path, message: 'Expected no subject: the subject is always the signed-in identity' }
      : issue)
  }
}

export interface PermissionRoutesOptions {
  batchMax: number
}

export const permissionRoutes: FastifyPluginAsyncTypebox<PermissionRoutesOptions> = async function permissionRoutes (app, options) {
  const batchBody = permissionBatchCheckBody(options.batchMax)
  app.setValidatorCompiler(validatorCompiler(checkOf(new Map<string, TSchema>([
    [PermissionCheckBody.$id!, PermissionCheckBody],
    [batchBody.$id!, batchBody]
  ]), app.checks)))

  app.post('/check', {
    schema: {
      summary: 'Check a permission of the signed-in identity',
      description: 'Asks Ory Permissions (Keto) whether the signed-in identity has `relation` on `namespace:object`. ' +
        'The subject is always the session\'s identity: `subject_id` and `subject_set` are refused with a 400. ' +
        '401 when signed out; 403 for a cross-site call (see the CSRF defence).',
      tags: ['permissions'],
      body: permissionCheckBodyRef,
      response: { 200: permissionCheckResultRef }
    },
    onRequest: requireSession
  }, async function check (request) {
    const allowed = await app.permissions.check(request.ory, subjectOf(request), request.body)
    return { allowed }
  })

  app.post('/check/batch', {
    schema: {
      summary: 'Check several permissions of the signed-in identity at once',
      description: `Up to ${options.batchMax} tuples, answered in order; an \`error\` on a result when Keto could not decide that tuple. ` +
        'The subject is always the session\'s identity.',
      tags: ['permissions'],
      body: permissionBatchCheckBodyRef,
      response: { 200: permissionBatchCheckResultRef }
    },
    onRequest: requireSession
  }, async function checkBatch (request) {
    const { tuples } = request.body
    if (tuples.length === 0) return { results: [] }
    return { results: await app.permissions.checkBatch(request.ory, subjectOf(request), tuples) }
  })
}
