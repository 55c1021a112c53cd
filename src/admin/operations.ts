import type { TSchema } from '@sinclair/typebox'
import { operations } from '../ory/generated/operations.js'
import type { OperationSpec } from '../ory/operation.js'
import { models } from '../schemas/generated/models.js'

// Which of the spec's operations the admin API offers, and where: Ory's own path with a leading `/admin` removed,
// under `/api/admin` (`/admin/identities/{id}` → `/api/admin/identities/{id}`, `/relation-tuples/expand` →
// `/api/admin/relation-tuples/expand`, console `/projects/{project_id}` → `/api/admin/projects/{project_id}`).

/** Where the admin routes live. */
export const ADMIN_PREFIX = '/api/admin'

/** The project API's groups whose admin operations are offered (those that need the project API key). */
export const PROJECT_GROUPS = ['identity', 'courier', 'jwk', 'oauth2', 'relationship', 'permission', 'metadata'] as const
/** The console API's groups: offered only with a workspace API key (ORY_WORKSPACE_API_KEY). */
export const CONSOLE_GROUPS = ['project', 'workspace', 'events'] as const

export interface AdminOperation {
  readonly op: OperationSpec
  /** The route in Fastify's syntax (`/api/admin/identities/:id`). */
  readonly url: string
  /** The route as OpenAPI writes it (`/api/admin/identities/{id}`). */
  readonly path: string
  /** Needs `Ory-Bff-Confirm: <operationId>` (see isDestructive). */
  readonly destructive: boolean
}

/**
 * An operation is admin when its credentials are the project's API key (`oryAccessToken`), or, on the console API,
 * the workspace API key. So Hydra's protocol endpoints (authorize, token, revoke, the device flow, dynamic client
 * registration, userinfo), the browser's self-service API and the public identity schemas are not.
 */
function isAdmin (op: OperationSpec, groups: ReadonlySet<string>): boolean {
  if (!groups.has(op.group)) return false
  const key = op.api === 'console' ? 'oryWorkspaceApiKey' : 'oryAccessToken'
  return op.security.some(alternative => alternative.includes(key))
}

/** Ory's path as the admin API's. */
export function adminPath (oryPath: string): string {
  return `${ADMIN_PREFIX}${oryPath.startsWith('/admin/') ? oryPath.slice('/admin'.length) : oryPath}`
}

/**
 * What needs the caller to say, in a header, that it means it: every DELETE (identities, sessions, credentials,
 * clients, keys, tuples, consent and login sessions, tokens, a whole project), and the batch writes that can remove
 * or overwrite many objects at once (identities' batch patch, relationships' patch).
 */
const BATCH_WRITES = new Set(['batchPatchIdentities', 'patchRelationships'])

export function isDestructive (op: OperationSpec): boolean {
  return op.method === 'DELETE' || BATCH_WRITES.has(op.operationId)
}

/**
 * What an operation does to Ory sessions the BFF may hold in its session cache: once Ory has confirmed it, those
 * entries go (`session`: the session of the path's `id`; `identity`: every session of the identity of the path's
 * `id`), so that a revoked session, a deleted or deactivated identity, or changed metadata (an admin role, say)
 * counts at once rather than when the cache entry expires.
 */
export const SESSION_EFFECTS: Readonly<Record<string, 'session' | 'identity'>> = {
  disableSession: 'session',
  extendSession: 'session',
  deleteIdentitySessions: 'identity',
  deleteIdentity: 'identity',
  updateIdentity: 'identity',
  patchIdentity: 'identity',
  deleteIdentityCredentials: 'identity'
}

/** The admin operations, in the table's order; the console's only with `console`. */
export function adminOperations (options: { console: boolean }): AdminOperation[] {
  const groups = new Set<string>([...PROJECT_GROUPS, ...(options.console ? CONSOLE_GROUPS : [])])
  const found: AdminOperation[] = []
  for (const op of Object.values(operations) as OperationSpec[]) {
    if (!isAdmin(op, groups)) continue
    const path = adminPath(op.path)
    found.push({ op, path, url: path.replace(/\{([^}]+)\}/g, ':$1'), destructive: isDestructive(op) })
  }
  return found
}

/**
 * The operations ADMIN_ALLOW and ADMIN_DENY leave (deny wins), by operation id or group name. A name that is neither
 * is a mistake that would silently allow or deny nothing: the returned `unknown` lists such names.
 */
export function selectOperations (all: readonly AdminOperation[], allow: readonly string[] | undefined, deny: readonly string[]): { allowed: Set<string>, unknown: string[] } {
  const names = new Set(all.flatMap(({ op }) => [op.operationId, op.group]))
  const unknown = [...(allow ?? []), ...deny].filter(name => !names.has(name))
  const named = (list: readonly string[], { op }: AdminOperation): boolean => list.includes(op.operationId) || list.includes(op.group)
  const allowed = new Set(all.filter(entry => (allow === undefined || named(allow, entry)) && !named(deny, entry)).map(({ op }) => op.operationId))
  return { allowed, unknown }
}

/** Every model the admin operations' parameters, bodies and answers refer to, directly or through other models. */
export function adminModels (ops: readonly AdminOperation[]): TSchema[] {
  const byId = models as unknown as Record<string, TSchema>
  const found = new Map<string, TSchema>()
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return
    if (Array.isArray(value)) {
      for (const item of value) visit(item)
      return
    }
    const ref = (value as { $ref?: unknown }).$ref
    if (typeof ref === 'string' && !found.has(ref) && byId[ref] !== undefined) {
      found.set(ref, byId[ref])
      visit(byId[ref])
    }
    for (const key of Object.keys(value)) if (key !== '$ref') visit((value as Record<string, unknown>)[key])
  }
  for (const { op } of ops) {
    visit(op.params.map(param => param.schema))
    visit(op.body?.schema)
    visit(Object.values(op.responses))
  }
  return [...found.values()]
}
