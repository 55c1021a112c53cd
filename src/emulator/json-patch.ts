import type { JsonPatch } from '../schemas/index.js'
import { errors } from './http.js'

// RFC 6901 pointers and RFC 6902 operations, as Kratos (identity PATCH) and Hydra (client PATCH) apply them to a
// document: each change is checked against the top-level fields the caller may touch, and any failure is a 400.

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function tokens (pointer: string): string[] {
  if (!pointer.startsWith('/')) throw errors.badRequest(`Invalid JSON pointer "${pointer}".`)
  return pointer.slice(1).split('/').map(t => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function parentOf (doc: Record<string, unknown>, path: string[]): [Record<string, unknown> | unknown[], string] {
  let target: unknown = doc
  for (const key of path.slice(0, -1)) {
    target = isObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[key] : undefined
    if (target === undefined) throw errors.badRequest(`The path /${path.join('/')} does not exist.`)
  }
  if (!isObject(target) && !Array.isArray(target)) throw errors.badRequest(`The path /${path.join('/')} does not exist.`)
  return [target, path[path.length - 1]!]
}

function read (doc: Record<string, unknown>, pointer: string): unknown {
  const [parent, key] = parentOf(doc, tokens(pointer))
  return (parent as Record<string, unknown>)[key]
}

function write (doc: Record<string, unknown>, pointer: string, value: unknown, insert: boolean): void {
  const [parent, key] = parentOf(doc, tokens(pointer))
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key)
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw errors.badRequest(`Invalid array index in ${pointer}.`)
    if (insert) parent.splice(index, 0, value)
    else parent[index] = value
  } else {
    if (['__proto__', 'constructor', 'prototype'].includes(key)) throw errors.badRequest(`Invalid key in ${pointer}.`)
    parent[key] = value
  }
}

function remove (doc: Record<string, unknown>, pointer: string): void {
  const [parent, key] = parentOf(doc, tokens(pointer))
  if (Array.isArray(parent)) parent.splice(Number(key), 1)
  else if (Object.hasOwn(parent, key)) delete parent[key]
  else throw errors.badRequest(`The path ${pointer} does not exist.`)
}

/** Applies `patch` to `doc` in place; `patchable` lists the top-level fields it may touch. */
export function applyJsonPatch (doc: Record<string, unknown>, patch: JsonPatch[], patchable: readonly string[]): void {
  for (const op of patch) {
    if (!isObject(op) || typeof op.path !== 'string') throw errors.badRequest('Each JSON Patch operation needs an op and a path.')
    for (const pointer of [op.path, op.from].filter((p): p is string => typeof p === 'string')) {
      if (!patchable.includes(tokens(pointer)[0] ?? '')) throw errors.badRequest(`The JSON Patch may not change ${pointer}.`)
    }
    const clone = (value: unknown): unknown => structuredClone(value)
    switch (op.op) {
      case 'add': write(doc, op.path, clone(op.value), true); break
      case 'replace': read(doc, op.path); write(doc, op.path, clone(op.value), false); break
      case 'remove': remove(doc, op.path); break
      case 'move': case 'copy': {
        if (typeof op.from !== 'string') throw errors.badRequest(`The ${op.op} operation needs from.`)
        const value = clone(read(doc, op.from))
        if (op.op === 'move') remove(doc, op.from)
        write(doc, op.path, value, true)
        break
      }
      case 'test':
        if (JSON.stringify(read(doc, op.path)) !== JSON.stringify(op.value)) throw errors.badRequest(`The test operation failed at ${op.path}.`)
        break
      default: throw errors.badRequest(`Unknown JSON Patch operation ${JSON.stringify(op.op)}.`)
    }
  }
}
