import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { PermissionChecker, type PermissionTuple } from '../permissions/checker.js'
import { ErrorCodes, HttpError } from '../errors.js'
import { requireSession, sessionInactive } from './session.js'

/** A part of the tuple a guard asks about: fixed, or taken from the request (a path parameter, say). */
export type TuplePart = string | ((request: FastifyRequest) => string | undefined | Promise<string | undefined>)

export type PermissionGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

declare module 'fastify' {
  interface FastifyInstance {
    /** Keto checks for a subject, with the optional per-identity cache (PERMISSION_CACHE_TTL_MS). */
    permissions: PermissionChecker
    /**
     * A hook (onRequest or preHandler) that lets the request through only when the signed-in identity has `relation`
     * on `namespace:object`: 401 when signed out (requireSession), 403 when Keto says no.
     */
    requirePermission: (namespace: TuplePart, object: TuplePart, relation: TuplePart) => PermissionGuard
  }
}

export interface PermissionsPluginOptions {
  config: Pick<Config, 'permissionCacheTtlMs' | 'permissionCacheMax' | 'permissionBatchMax'>
  /** The cache's clock (tests). */
  now?: () => number
}

const FORBIDDEN = 'The requested action was forbidden'

/** The subject of every check: the identity of the session that requireSession put on the request. */
export function subjectOf (request: FastifyRequest): string {
  const id = request.session?.identity?.id
  if (typeof id !== 'string' || id === '') throw sessionInactive()
  return id
}

async function resolve (part: TuplePart, request: FastifyRequest, name: keyof PermissionTuple): Promise<string> {
  const value = typeof part === 'function' ? await part(request) : part
  if (typeof value !== 'string' || value === '') {
    throw new HttpError(400, 'The request was malformed or contained invalid parameters', { reason: `The ${name} of the permission to check is missing.` })
  }
  return value
}

/**
 * A guard that lets the request through only when the signed-in identity has `relation` on `namespace:object`. The
 * session and permission plugins are found from the request when it comes, so the guard may be made anywhere, even
 * before the plugins have loaded; without them it fails closed.
 */
export function requirePermission (namespace: TuplePart, object: TuplePart, relation: TuplePart): PermissionGuard {
  return async function permissionGuard (request, reply) {
    await requireSession(request, reply)
    const checker = (request.server as Partial<FastifyInstance>).permissions
    if (checker === undefined) throw new Error('requirePermission needs the permissions plugin (src/plugins/permissions.ts) to be registered')
    const subject = subjectOf(request)
    const tuple = {
      namespace: await resolve(namespace, request, 'namespace'),
      object: await resolve(object, request, 'object'),
      relation: await resolve(relation, request, 'relation')
    }
    // Only a boolean true lets the request through, whatever the checker hands back.
    if (await checker.check(request.ory, subject, tuple) !== true) {
      throw new HttpError(403, FORBIDDEN, {
        code: ErrorCodes.PERMISSION_DENIED,
        id: 'permission_denied',
        reason: `The signed-in identity does not have the relation ${JSON.stringify(tuple.relation)} on ${tuple.namespace}:${tuple.object}.`
      })
    }
  }
}

export const permissionsPlugin = fp(async function permissions (app: FastifyInstance, options: PermissionsPluginOptions) {
  const { config } = options
  const checker = new PermissionChecker({
    cache: { ttlMs: config.permissionCacheTtlMs, max: config.permissionCacheMax, now: options.now },
    batchMax: config.permissionBatchMax
  })
  app.decorate('permissions', checker)
  app.decorate('requirePermission', requirePermission)
}, { name: 'ory-bff-permissions', fastify: '5.x', dependencies: ['ory-client', 'ory-bff-session'] })
