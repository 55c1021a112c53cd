import type { OperationSpec } from '../ory/operation.js'

// What an admin call's audit line says it touched: ids only, never a body. Path parameters are ids by construction
// (`/admin/identities/{id}`, `/admin/keys/{set}/{kid}`); a few query and body fields name the subject or client a
// call acts on; a create names what it made. Recovery links and codes, client secrets, passwords, tokens and
// challenges are never among them.

/** Query parameters that name what a call acts on (consent and login sessions, tokens, tuples). */
const QUERY_IDS = new Set(['subject', 'client', 'client_id', 'sid', 'namespace', 'object', 'relation', 'subject_id'])
/** Body fields that name what a call acts on (recovery codes and links). */
const BODY_IDS = ['identity_id'] as const
/** Fields of a create's answer that name what it made. */
const CREATED_IDS = ['id', 'client_id'] as const

export type AuditObjects = Record<string, string | string[]>

function text (value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined
}

/** The ids an admin call names in its path, query and body. */
export function auditObjects (op: OperationSpec, path: unknown, query: unknown, body: unknown): AuditObjects {
  const objects: AuditObjects = {}
  const pathValues = (path ?? {}) as Record<string, unknown>
  const queryValues = (query ?? {}) as Record<string, unknown>
  for (const param of op.params) {
    if (param.in === 'path') {
      const value = text(pathValues[param.name])
      if (value !== undefined) objects[param.name] = value
    } else if (param.in === 'query' && QUERY_IDS.has(param.name)) {
      const value = queryValues[param.name]
      const values = (Array.isArray(value) ? value : [value]).map(text).filter((item): item is string => item !== undefined)
      if (values.length > 0) objects[param.name] = values.length === 1 ? values[0]! : values
    }
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const name of BODY_IDS) {
      const value = text((body as Record<string, unknown>)[name])
      if (value !== undefined) objects[name] = value
    }
  }
  return objects
}

/** The ids a create's JSON answer names (`id`, `client_id`), or none. Only objects are looked into. */
export function createdIds (answer: unknown): AuditObjects {
  const created: AuditObjects = {}
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return created
  for (const name of CREATED_IDS) {
    const value = text((answer as Record<string, unknown>)[name])
    if (value !== undefined) created[name] = value
  }
  return created
}
