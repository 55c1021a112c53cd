import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, ValueErrorType, type TypeCheck } from '@sinclair/typebox/compiler'
import type { ValueError } from '@sinclair/typebox/errors'
import { registerFormats } from './formats.js'
import { discriminators, models } from './generated/models.js'

registerFormats()

const references: TSchema[] = Object.values(models)
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>()

export interface ValidationIssue {
  /** JSON Pointer to the offending value. */
  path: string
  message: string
}

function checker (schema: TSchema): TypeCheck<TSchema> {
  let check = compiled.get(schema)
  if (check === undefined) {
    check = TypeCompiler.Compile(schema, references)
    compiled.set(schema, check)
  }
  return check
}

// RFC 6901 §3: `~` and `/` in a reference token are written `~0` and `~1`.
function escapeToken (token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1')
}

/**
 * TypeBox reports a failed union as one "Expected union value" at the union's path. Where it is clear which branch
 * was meant, that branch's issues are reported instead, with paths that point into the value:
 * - Ory's discriminated unions (ui node attributes, continue_with, the update*FlowBody bodies): the branch the tag
 *   selects; a missing or unknown tag is reported at the tag itself.
 * - A nullable value (`nullable: true` becomes a union with null) that is not null: the non-null branch.
 */
function * explain (error: ValueError): Generator<ValidationIssue> {
  if (error.type === ValueErrorType.Union) {
    const explained = explainUnion(error)
    if (explained !== undefined) {
      yield * explained
      return
    }
  }
  yield { path: error.path === '' ? '/' : error.path, message: error.message }
}

function explainUnion (error: ValueError): Iterable<ValidationIssue> | undefined {
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

function * explainAll (errors: Iterable<ValueError>): Generator<ValidationIssue> {
  for (const error of errors) yield * explain(error)
}

/** Checks a value against a schema (which may refer to any of Ory's models); an empty list means valid. */
export function validate (schema: TSchema, value: unknown, maxIssues = 10): ValidationIssue[] {
  const check = checker(schema)
  if (check.Check(value)) return []
  const issues: ValidationIssue[] = []
  for (const error of check.Errors(value)) {
    for (const issue of explain(error)) {
      issues.push(issue)
      if (issues.length >= maxIssues) return issues
    }
  }
  return issues
}
