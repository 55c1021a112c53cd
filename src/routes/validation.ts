import type { TSchema } from '@sinclair/typebox'
import type { FastifySchemaCompiler } from 'fastify'
import { HttpError } from '../errors.js'
import { LazyCheck, type CheckIssue } from './lazy-check.js'

/** One problem with a request: where (`querystring`, `params`, `body`, `headers`), the JSON path, and what. */
export interface InputIssue {
  in: string
  path: string
  message: string
}

/** A check's problem as a problem of the request's `part`; the root of the value is `/`. */
export function inputIssue (part: string, { path, message }: CheckIssue): InputIssue {
  return { in: part, path: path === '' ? '/' : path, message }
}

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
    const issues = lazy.issues(data)
    return issues.length === 0 ? { value: data } : { error: invalidInput(issues.map(issue => inputIssue(part, issue))) }
  }
}
