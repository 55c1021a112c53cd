import { Kind, Type, type TObject, type TSchema } from '@sinclair/typebox'
import type { Issue } from '../errors.js'
import type { OperationSpec, ParamSpec } from '../ory/operation.js'

// An admin route's path and query parameters arrive as text; the spec says what each is as a value (an integer
// page size, a boolean, an array of ids). Text is turned into that value only where it says so unambiguously
// ("12" → 12, "true" → true, a repeated name → an array); anything else is left as it came, and the check against the
// parameter's schema then says what is wrong with it.

export type ParamPart = 'params' | 'querystring'

const LOCATION: Record<ParamPart, ParamSpec['in']> = { params: 'path', querystring: 'query' }

/**
 * The operation's parameters of one part, as an object schema: each parameter's own schema, no others allowed (Ory
 * would ignore a misspelt `page_sise` and answer as if it had not been sent). Every operation has a query schema, an
 * empty one when it takes no query parameters; only those with path parameters have a path schema.
 */
export function paramsSchema (op: OperationSpec, part: ParamPart): TObject | undefined {
  const specs = op.params.filter(param => param.in === LOCATION[part])
  if (specs.length === 0 && part === 'params') return undefined
  const properties: Record<string, TSchema> = {}
  for (const param of specs) properties[param.name] = param.required ? param.schema : Type.Optional(param.schema)
  return Type.Object(properties, { additionalProperties: false })
}

const INTEGER = /^-?(0|[1-9][0-9]{0,15})$/
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/

function scalar (schema: TSchema, text: string): unknown {
  switch (schema[Kind]) {
    case 'Integer': return INTEGER.test(text) ? Number(text) : text
    case 'Number': return NUMBER.test(text) ? Number(text) : text
    case 'Boolean': return text === 'true' ? true : text === 'false' ? false : text
    default: return text
  }
}

/**
 * The parameters as values: each one converted as its schema says, unknown names kept (the check refuses them).
 * A name given several times stays an array, which only an array parameter accepts.
 */
export function coerceParams (op: OperationSpec, part: ParamPart, raw: unknown): Record<string, unknown> {
  const input = (raw ?? {}) as Record<string, unknown>
  const schemas = new Map(op.params.filter(param => param.in === LOCATION[part]).map(param => [param.name, param.schema]))
  const out: Record<string, unknown> = {}
  for (const name of Object.keys(input)) {
    const value = input[name]
    const schema = schemas.get(name)
    if (schema === undefined) {
      out[name] = value
    } else if (schema[Kind] === 'Array') {
      const items = (schema as TSchema & { items: TSchema }).items
      out[name] = (Array.isArray(value) ? value : [value]).map(item => typeof item === 'string' ? scalar(items, item) : item)
    } else {
      out[name] = typeof value === 'string' ? scalar(schema, value) : value
    }
  }
  return out
}

/** The issues of unknown parameter names, worded for people: TypeBox only says that a property is not allowed. */
export function explainParamIssue (op: OperationSpec, part: ParamPart, issue: Issue): Issue {
  const name = issue.path.split('/')[1]
  const known = op.params.some(param => param.in === LOCATION[part] && param.name === name)
  if (name === undefined || known) return issue
  const expected = op.params.filter(param => param.in === LOCATION[part]).map(param => param.name)
  return { path: issue.path, message: expected.length === 0 ? `Unknown parameter; ${op.operationId} takes none` : `Unknown parameter; ${op.operationId} takes ${expected.join(', ')}` }
}

/** The params object of the Ory client's call (by each parameter's key) from the checked path and query values. */
export function callParams (op: OperationSpec, path: Record<string, unknown>, query: Record<string, unknown>, body: unknown): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const param of op.params) {
    const value = param.in === 'path' ? path[param.name] : param.in === 'query' ? query[param.name] : undefined
    if (value !== undefined) params[param.key] = value
  }
  if (body !== undefined) params.body = body
  return params
}
