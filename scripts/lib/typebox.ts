import { refName, type SchemaObject } from './spec.js'

/**
 * Turns OpenAPI 3.0 schema objects into TypeBox source text.
 *
 * Identifiers are the spec names with the first letter upper-cased. Ory's spec has names that differ only by case
 * (`NullTime` / `nullTime`); the one that starts lower-case gets a `Lower` suffix so both survive.
 */
export function typeNames (names: string[]): Map<string, string> {
  const byPascal = new Map<string, string[]>()
  for (const name of names) {
    const pascal = pascalCase(name)
    byPascal.set(pascal, [...(byPascal.get(pascal) ?? []), name])
  }
  const out = new Map<string, string>()
  for (const [pascal, group] of byPascal) {
    for (const name of group) {
      const clash = group.length > 1 && name[0] !== pascal[0]
      out.set(name, clash ? `${pascal}Lower` : pascal)
    }
  }
  return out
}

export function pascalCase (name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_$]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())
  return cleaned.charAt(0).toUpperCase() + cleaned.slice(1)
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

export function propertyKey (name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name)
}

const KEPT_KEYWORDS = ['format', 'pattern', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'default', 'readOnly'] as const

// A keyword only constrains the types it is defined for (JSON Schema validation §6); Ory's spec puts some on the
// wrong type (`minimum` on the string `page_token`), which Ajv's strict mode, Fastify's default, reports.
const APPLICABLE: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(['format', 'pattern', 'minLength', 'maxLength', 'default', 'readOnly']),
  integer: new Set(['format', 'minimum', 'maximum', 'default', 'readOnly']),
  number: new Set(['format', 'minimum', 'maximum', 'default', 'readOnly']),
  boolean: new Set(['default', 'readOnly']),
  array: new Set(['minItems', 'maxItems', 'default', 'readOnly']),
  object: new Set(['default', 'readOnly'])
}

export interface EmitContext {
  names: Map<string, string>
  /** The model being emitted, when it refers to itself through `This`. */
  self?: string
  /** Put before model type names, where the models are imported as a namespace. */
  typePrefix?: string
}

function options (schema: SchemaObject, extra: Record<string, unknown> = {}): string {
  const picked: Record<string, unknown> = {}
  const applicable = schema.type === undefined ? undefined : APPLICABLE[schema.type]
  for (const key of KEPT_KEYWORDS) {
    if (schema[key] !== undefined && (applicable === undefined || applicable.has(key))) picked[key] = schema[key]
  }
  Object.assign(picked, extra)
  return Object.keys(picked).length === 0 ? '' : JSON.stringify(picked)
}

function call (fn: string, args: string[], schema: SchemaObject, extra?: Record<string, unknown>): string {
  const opts = options(schema, extra)
  return `${fn}(${[...args, ...(opts === '' ? [] : [opts])].join(', ')})`
}

export function emitSchema (schema: SchemaObject, ctx: EmitContext, extra?: Record<string, unknown>): string {
  if (schema.$ref !== undefined) {
    // OAS 3.0: keywords beside a $ref are ignored.
    const name = refName(schema.$ref)
    if (name === ctx.self) return 'This'
    const typeName = ctx.names.get(name)
    if (typeName === undefined) throw new Error(`unknown schema ${name}`)
    return `ref<${ctx.typePrefix ?? ''}${typeName}>(${JSON.stringify(name)})`
  }
  if (schema.nullable === true) {
    if (schema.type === undefined && schema.oneOf === undefined && schema.enum === undefined) {
      return call('Type.Unknown', [], {}, extra)
    }
    const inner = emitSchema({ ...schema, nullable: undefined }, ctx)
    return `Type.Union([${inner}, Type.Null()]${extra === undefined ? '' : `, ${JSON.stringify(extra)}`})`
  }
  if (schema.oneOf !== undefined) {
    const branches = schema.oneOf.map(branch => emitSchema(branch, ctx))
    return call('Type.Union', [`[${branches.join(', ')}]`], {}, extra)
  }
  if (schema.enum !== undefined) {
    const rest = { ...schema, format: undefined, pattern: undefined }
    if (schema.enum.length === 1) return call('Type.Literal', [JSON.stringify(schema.enum[0])], rest, extra)
    const literals = schema.enum.map(value => `Type.Literal(${JSON.stringify(value)})`)
    return call('Type.Union', [`[${literals.join(', ')}]`], rest, extra)
  }
  switch (schema.type) {
    case 'string': return call('Type.String', [], schema, extra)
    case 'integer': return call('Type.Integer', [], schema, extra)
    case 'number': return call('Type.Number', [], schema, extra)
    case 'boolean': return call('Type.Boolean', [], schema, extra)
    case 'array': return call('Type.Array', [emitSchema(schema.items ?? {}, ctx)], schema, extra)
    case 'object':
    case undefined:
      if (schema.properties !== undefined) return emitObject(schema, ctx, extra)
      if (schema.type === undefined && schema.additionalProperties === undefined) {
        // No type at all: any JSON value (identity traits, raw JSON messages).
        return call('Type.Unknown', [], schema, extra)
      }
      return call('Type.Record', ['Type.String()', additional(schema, ctx) ?? 'Type.Unknown()'], schema, extra)
    default:
      throw new Error(`unsupported schema type ${String(schema.type)}`)
  }
}

function additional (schema: SchemaObject, ctx: EmitContext): string | undefined {
  const value = schema.additionalProperties
  if (value === undefined || value === true) return undefined
  if (value === false) return 'false'
  if (Object.keys(value).length === 0) return undefined
  return emitSchema(value, ctx)
}

function emitObject (schema: SchemaObject, ctx: EmitContext, extra?: Record<string, unknown>): string {
  const required = new Set(schema.required ?? [])
  const lines = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    let expr = emitSchema(property, ctx)
    const readOnly = property.readOnly === true && property.$ref === undefined
    if (required.has(name)) expr = readOnly ? `Type.Readonly(${expr})` : expr
    else expr = readOnly ? `Type.ReadonlyOptional(${expr})` : `Type.Optional(${expr})`
    return `  ${propertyKey(name)}: ${expr.replace(/\n/g, '\n  ')}`
  })
  const extraProps = additional(schema, ctx)
  const extraOptions = { ...extra }
  const body = lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n}`
  const opts = options({ ...schema, readOnly: undefined }, extraOptions)
  const additionalOption = extraProps === undefined ? '' : `additionalProperties: ${extraProps}`
  let optionText = ''
  if (opts !== '' && additionalOption !== '') optionText = `, { ...${opts}, ${additionalOption} }`
  else if (opts !== '') optionText = `, ${opts}`
  else if (additionalOption !== '') optionText = `, { ${additionalOption} }`
  return `Type.Object(${body}${optionText})`
}
