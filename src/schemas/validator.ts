import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { registerFormats } from './formats.js'
import { models } from './generated/models.js'

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

/** Checks a value against a schema (which may refer to any of Ory's models); an empty list means valid. */
export function validate (schema: TSchema, value: unknown, maxIssues = 10): ValidationIssue[] {
  const check = checker(schema)
  if (check.Check(value)) return []
  const issues: ValidationIssue[] = []
  for (const error of check.Errors(value)) {
    issues.push({ path: error.path === '' ? '/' : error.path, message: error.message })
    if (issues.length >= maxIssues) break
  }
  return issues
}
