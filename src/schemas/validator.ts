import type { TSchema } from '@sinclair/typebox'
import { ValueErrorType, type TypeCheck } from '@sinclair/typebox/compiler'
import type { ValueError } from '@sinclair/typebox/errors'
import type { Issue } from '../errors.js'
import { compileCheck, escapeToken, issuesOf, MAX_ISSUES } from './check.js'
import { registerFormats } from './formats.js'
import { discriminators, models } from './generated/models.js'

registerFormats()

const references: TSchema[] = Object.values(models)
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>()

/** The name this module's callers know the one issue type by. */
export type ValidationIssue = Issue

function checker (schema: TSchema): TypeCheck<TSchema> {
  let check = compiled.get(schema)
  if (check === undefined) {
    check = compileCheck(schema, references)
    compiled.set(schema, check)
  }
  return check
}

/**
 * TypeBox reports a failed union as one "Expected union value" at the union's path. Where it is clear which branch
 * was meant, that branch's issues are reported instead, with paths that point into the value:
 * - Ory's discriminated unions (ui node attributes, continue_with, the update*FlowBody bodies): the branch the tag
 *   selects; a missing or unknown tag is reported at the tag itself.
 * - A nullable value (`nullable: true` becomes a union with null) that is not null: the non-null branch.
 */
function * explain (error: ValueError): Generator<Issue> {
  if (error.type === ValueErrorType.Union) {
    const explained = explainUnion(error)
    if (explained !== undefined) {
      yield * explained
      return
    }
  }
  yield { path: error.path === '' ? '/' : error.path, message: error.message }
}

function explainUnion (error: ValueError): Iterable<Issue> | undefined {
  const variants = (error.schema.anyOf ?? []) as TSchema[]
  const { value } = error
  const id = error.schema.$id
  const discriminator = typeof id === 'string' ? discriminators[id] : undefined
  if (discriminator !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { propertyName, mapping } = discriminator
    const tag = (value as Record<string, unknown>)[propertyName]
    const branch = typeof tag === 'string' && Object.hasOwn(mapping, tag) ? mapping[tag] : undefined
    if (branch !== undefined) {
      const branchErrors = error.errors[variants.findIndex(variant => variant.$ref === branch)]
      return branchErrors === undefined ? undefined : explainAll(branchErrors)
    }
    const expected = Object.keys(mapping).map(v => JSON.stringify(v)).join(', ')
    const message = tag === undefined
      ? `Expected required property ${propertyName} (one of ${expected})`
      : `Expected ${propertyName} to be one of ${expected}`
    return [{ path: `${error.path}/${escapeToken(propertyName)}`, message }]
  }
  const nonNull = variants.flatMap((variant, index) => variant.type === 'null' ? [] : [index])
  if (value !== null && variants.length === 2 && nonNull.length === 1) {
    const branchErrors = error.errors[nonNull[0]!]
    if (branchErrors !== undefined) return explainAll(branchErrors)
  }
  return undefined
}

function * explainAll (errors: Iterable<ValueError>): Generator<Issue> {
  for (const error of errors) yield * explain(error)
}

/** Checks a value against a schema (which may refer to any of Ory's models); an empty list means valid. */
export function validate (schema: TSchema, value: unknown, maxIssues = MAX_ISSUES): Issue[] {
  return issuesOf(checker(schema), value, maxIssues, explain)
}
