import type { TSchema } from '@sinclair/typebox'
import type { FastifySchemaCompiler } from 'fastify'
import { invalidInput, type Issue } from '../errors.js'
import { LazyCheck, type CheckRegistry } from '../schemas/check.js'

/** The problems of a value of one part of a request; none when it passes. */
export type IssuesOf = (value: unknown) => Issue[]

/**
 * A validator compiler for the BFF's routes: `checkOf` makes the check of a route's schema for a part of the request,
 * and a value with problems is refused with the one 400 for invalid input (src/errors.ts), so that nothing invalid
 * reaches Ory.
 */
export function validatorCompiler (checkOf: (schema: TSchema, part: string) => IssuesOf): FastifySchemaCompiler<TSchema> {
  return ({ schema, httpPart }) => {
    const part = httpPart ?? 'body'
    const issuesOf = checkOf(schema, part)
    return (data: unknown) => {
      const issues = issuesOf(data)
      return issues.length === 0 ? { value: data } : { error: invalidInput(part, issues) }
    }
  }
}

/**
 * TypeBox's checks (no coercion, no defaults: what the schema says is what passes), in the app's registry: compiled
 * once the server listens, or by the first request that needs one.
 */
export function typeBoxValidatorCompiler (checks: CheckRegistry, references: TSchema[] = []): FastifySchemaCompiler<TSchema> {
  return validatorCompiler(schema => {
    const lazy = new LazyCheck(schema, references, checks)
    return value => lazy.issues(value)
  })
}
