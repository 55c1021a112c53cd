import { emitSchema, pascalCase, propertyKey, typeNames } from './typebox.js'
import { listOperations, resolveResponse, type OpenApiDocument, type ParameterObject, type SchemaObject, type SpecOperation } from './spec.js'

/** Groups whose operations live on the console API rather than on the project's URL. */
const CONSOLE_GROUPS = new Set(['project', 'workspace', 'events'])

export function groupOf (op: SpecOperation): string {
  const tag = op.operation.tags?.[0]
  if (tag === undefined) throw new Error(`${op.operation.operationId} has no tag`)
  return tag.toLowerCase()
}

/** The key of a parameter in the flat params object of its operation function. */
export function paramKey (param: ParameterObject): string {
  if (param.in !== 'header') return param.name
  const camel = param.name.toLowerCase().replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
  return camel
}

function firstLine (text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined
  const line = text.trim().split('\n')[0]?.trim()
  return line === undefined || line === '' ? undefined : line.replace(/\*\//g, '*\\/')
}

function paramType (schema: SchemaObject | undefined, names: Map<string, string>): string {
  if (schema === undefined) return 'string'
  if (schema.$ref !== undefined) return `M.${names.get(schema.$ref.replace('#/components/schemas/', ''))!}`
  if (schema.enum !== undefined) return schema.enum.map(value => JSON.stringify(value)).join(' | ')
  switch (schema.type) {
    case 'integer':
    case 'number': return 'number'
    case 'boolean': return 'boolean'
    case 'array': return `Array<${paramType(schema.items, names)}>`
    default: return 'string'
  }
}

/** A parameter's schema as TypeBox source: a header is a string whatever the spec says (one value on the wire). */
function paramSchema (param: ParameterObject, ctx: { names: Map<string, string>, typePrefix: string }): string {
  if (param.in === 'header' || param.schema === undefined) return 'Type.String()'
  return emitSchema(param.schema, ctx)
}

function collectParams (op: SpecOperation): Array<ParameterObject & { key: string }> {
  const params = op.parameters.map(p => ({ ...p, key: paramKey(p) }))
  const keys = new Set<string>()
  for (const p of params) {
    if (p.in === 'cookie') throw new Error(`${op.operation.operationId}: cookie parameters are not supported`)
    // Ory names one header `Cookie` in some operations and `cookie` in others; both are the same header.
    if (keys.has(p.key) || p.key === 'body') throw new Error(`${op.operation.operationId}: parameter key ${p.key} is not unique`)
    keys.add(p.key)
  }
  return params
}

export interface GeneratedOperations {
  table: string
  groups: Map<string, string>
  index: string
}

export function emitOperations (doc: OpenApiDocument, banner: string): GeneratedOperations {
  const names = typeNames(Object.keys(doc.components.schemas))
  const ctx = { names, typePrefix: 'M.' }
  const operations = listOperations(doc)
  const table: string[] = [
    banner,
    "import { Type } from '@sinclair/typebox'",
    "import { ref } from '../../schemas/ref.js'",
    "import type * as M from '../../schemas/generated/models.js'",
    "import type { OperationSpec } from '../operation.js'",
    '',
    '/** Every operation of the spec: how to call it and what it answers, by operationId. */',
    'export const operations = {'
  ]
  const groups = new Map<string, string[]>()
  const entries: string[] = []
  for (const op of operations) {
    const { operation } = op
    const id = operation.operationId
    const group = groupOf(op)
    const params = collectParams(op)
    const security = (operation.security ?? []).map(alternative => Object.keys(alternative))
    const lines: string[] = [
      `    operationId: ${JSON.stringify(id)}`,
      `    group: ${JSON.stringify(group)}`,
      `    api: ${JSON.stringify(CONSOLE_GROUPS.has(group) ? 'console' : 'project')}`,
      `    method: ${JSON.stringify(op.method.toUpperCase())}`,
      `    path: ${JSON.stringify(op.path)}`,
      `    security: ${JSON.stringify(security)}`,
      `    params: [${params.map(p => `\n      { name: ${JSON.stringify(p.name)}, key: ${JSON.stringify(p.key)}, in: ${JSON.stringify(p.in)}, required: ${p.required === true}, schema: ${paramSchema(p, ctx)} }`).join(',')}${params.length > 0 ? '\n    ' : ''}]`
    ]
    const requestBody = operation.requestBody
    if (requestBody !== undefined) {
      const mediaTypes = Object.keys(requestBody.content)
      const schema = Object.values(requestBody.content)[0]?.schema ?? {}
      lines.push(`    body: {\n      required: ${requestBody.required === true},\n      mediaTypes: ${JSON.stringify(mediaTypes)},\n      schema: ${emitSchema(schema, ctx).replace(/\n/g, '\n      ')}\n    }`)
    }
    const responses: string[] = []
    for (const [status, raw] of Object.entries(operation.responses)) {
      const response = resolveResponse(doc, raw)
      const media = response.content?.['application/json'] ?? Object.values(response.content ?? {})[0]
      const expr = media?.schema === undefined ? 'null' : emitSchema(media.schema, ctx).replace(/\n/g, '\n      ')
      responses.push(`      ${propertyKey(status)}: ${expr}`)
    }
    lines.push(`    responses: {\n${responses.join(',\n')}\n    }`)
    lines.push(`    paginated: ${params.some(p => p.in === 'query' && p.name === 'page_token')}`)
    entries.push(`  ${id}: {\n${lines.join(',\n')}\n  }`)

    const typeName = pascalCase(id)
    const fields: string[] = []
    for (const p of params) {
      const description = firstLine((p as { description?: unknown }).description)
      if (description !== undefined) fields.push(`  /** ${description} */`)
      fields.push(`  ${propertyKey(p.key)}${p.required === true ? '' : '?'}: ${p.in === 'header' ? 'string' : paramType(p.schema, names)}`)
    }
    if (requestBody !== undefined) {
      fields.push(`  body${requestBody.required === true ? '' : '?'}: Static<typeof operations.${id}.body.schema>`)
    }
    const anyRequired = params.some(p => p.required === true) || requestBody?.required === true
    const summary = firstLine((operation as { summary?: unknown }).summary)
    const fn = [
      `export interface ${typeName}Params {${fields.length === 0 ? '' : `\n${fields.join('\n')}\n`}}`,
      '',
      `${summary === undefined ? '' : `/** ${summary} (\`${op.method.toUpperCase()} ${op.path}\`) */\n`}export async function ${id} (client: OryClient, params: ${typeName}Params${anyRequired ? '' : ' = {}'}, options?: CallOptions): Promise<OryResult<typeof operations.${id}>> {`,
      `  return await client.call(operations.${id}, params, options)`,
      '}'
    ].join('\n')
    groups.set(group, [...(groups.get(group) ?? []), fn])
  }
  table.push(entries.join(',\n'))
  table.push('} as const satisfies Record<string, OperationSpec>')
  table.push('')
  table.push('export type OperationId = keyof typeof operations')
  table.push('')

  const groupFiles = new Map<string, string>()
  for (const [group, fns] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    groupFiles.set(group, [
      banner,
      "import type { Static } from '@sinclair/typebox'",
      "import type { CallOptions, OryClient, OryResult } from '../client.js'",
      ...(fns.some(fn => fn.includes('M.')) ? ["import type * as M from '../../schemas/generated/models.js'"] : []),
      "import { operations } from './operations.js'",
      '',
      fns.join('\n\n'),
      ''
    ].join('\n').replace("import type { Static } from '@sinclair/typebox'\n", fns.some(fn => fn.includes('Static<')) ? "import type { Static } from '@sinclair/typebox'\n" : ''))
  }
  const index = [
    banner,
    ...[...groupFiles.keys()].map(group => `export * as ${group} from './${group}.js'`),
    "export { operations, type OperationId } from './operations.js'",
    ''
  ].join('\n')
  return { table: table.join('\n'), groups: groupFiles, index }
}
