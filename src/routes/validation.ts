import type { TSchema } from '@sinclair/typebox'
import { LazyCheck } from './lazy-check.js'
import type { FastifySchemaCompiler } from 'fastify'
import { HttpError } from '../plugins/errors.js'

/** One problem with a request: where (`querystring`, `params`, `body`, `headers`), the JSON path, and what. */
export interface InputIssue {
  in: string
  path: string
  message: string
}

const MAX_ISSUES = 10

/** 400 in Ory's error shape, the JSON path of each problem in `details.errors`. */
export function invalidInput (issues: readonly InputIssue[]): HttpError {
  return new HttpError(400, 'The request was malformed or contained invalid parameters', {
    reason: issues.map(issue => `${issue.in}${issue.path === '/' ? '' : issue.path} ${issue.message}`).join('; '),
    details: { errors: issues }
  })
}

/**
 * A validator compiler for the BFF's own routes: TypeBox's compiler (no coercion, no defaults: what the schema says
 * is what passes), and a refusal that names the JSON path of each problem, so that nothing invalid reaches Ory.
 */
export const typeBoxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const part = httpPart ?? 'body'
  const lazy = new LazyCheck(schema)
  return (data: unknown) => {
    const check = lazy.check
    if (check.Check(data)) return { value: data }
    const issues: InputIssue[] = []
    for (const error of check.Errors(data)) {
      issues.push({ in: part, path: error.path === '' ? '/' : error.path, message: error.message })
      if (issues.length >= MAX_ISSUES) break
    }
    return { error: invalidInput(issues) }
  }
}
