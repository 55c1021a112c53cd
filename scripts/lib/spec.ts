import { readFile } from 'node:fs/promises'

/** The subset of OpenAPI 3.0 that Ory's client spec uses. */
export interface SchemaObject {
  $ref?: string
  type?: string
  format?: string
  nullable?: boolean
  enum?: unknown[]
  items?: SchemaObject
  properties?: Record<string, SchemaObject>
  required?: string[]
  additionalProperties?: boolean | SchemaObject
  oneOf?: SchemaObject[]
  discriminator?: { propertyName: string, mapping?: Record<string, string> }
  description?: string
  readOnly?: boolean
  pattern?: string
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  default?: unknown
  [key: string]: unknown
}

export interface ParameterObject {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: SchemaObject
  style?: string
  explode?: boolean
}

export interface MediaTypeObject { schema?: SchemaObject }
export interface ResponseObject { $ref?: string, description?: string, content?: Record<string, MediaTypeObject> }
export interface RequestBodyObject { required?: boolean, content: Record<string, MediaTypeObject> }

export interface OperationObject {
  operationId: string
  tags: string[]
  parameters?: ParameterObject[]
  requestBody?: RequestBodyObject
  responses: Record<string, ResponseObject>
  security?: Array<Record<string, string[]>>
}

export interface OpenApiDocument {
  openapi: string
  info: { title: string, version: string }
  paths: Record<string, Record<string, OperationObject | ParameterObject[]>>
  components: {
    schemas: Record<string, SchemaObject>
    responses: Record<string, ResponseObject>
    securitySchemes: Record<string, Record<string, unknown>>
  }
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

export interface SpecOperation {
  method: typeof HTTP_METHODS[number]
  path: string
  operation: OperationObject
  parameters: ParameterObject[]
}

export async function loadSpec (path: string): Promise<OpenApiDocument> {
  const text = await readFile(path, 'utf8')
  const doc = JSON.parse(text) as OpenApiDocument
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.0')) {
    throw new Error(`${path}: expected an OpenAPI 3.0 document, found openapi=${String(doc.openapi)}`)
  }
  return doc
}

export function refName (ref: string): string {
  const prefix = '#/components/schemas/'
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`)
  return ref.slice(prefix.length)
}

export function listOperations (doc: OpenApiDocument): SpecOperation[] {
  const out: SpecOperation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters ?? []) as ParameterObject[]
    for (const method of HTTP_METHODS) {
      const operation = item[method] as OperationObject | undefined
      if (operation === undefined) continue
      const own = operation.parameters ?? []
      // An operation-level parameter overrides a path-level one of the same name and location (OAS 3.0 §4.7.9).
      const parameters = [...shared.filter(p => !own.some(o => o.name === p.name && o.in === p.in)), ...own]
      out.push({ method, path, operation, parameters })
    }
  }
  return out.sort((a, b) => a.operation.operationId.localeCompare(b.operation.operationId))
}

export function resolveResponse (doc: OpenApiDocument, response: ResponseObject): ResponseObject {
  if (response.$ref === undefined) return response
  const name = response.$ref.replace('#/components/responses/', '')
  const resolved = doc.components.responses[name]
  if (resolved === undefined) throw new Error(`unknown response ${response.$ref}`)
  return resolved
}

/**
 * Returns a copy of the document with the quirks that keep validators from reading it as Ory means it fixed:
 *
 * - In discriminated unions, the branches' tag property is often a bare `string` (the update*FlowBody unions), or
 *   carries the enum of the whole union (recovery and verification: `enum: [link, code]` in both branches). Only
 *   `discriminator.mapping` tells the branches apart, and plain JSON Schema validators ignore it. Each branch's tag
 *   is pinned to the mapping value(s) that select it, so that the branches are mutually exclusive.
 * - `updateSettingsFlow` names a `sessionToken` security scheme that the document does not define; Kratos reads it
 *   from the `X-Session-Token` header.
 */
export function normalizeSpec (source: OpenApiDocument): OpenApiDocument {
  const doc = structuredClone(source)
  const schemas = doc.components.schemas
  for (const schema of Object.values(schemas)) {
    const mapping = schema.discriminator?.mapping
    if (schema.oneOf === undefined || mapping === undefined) continue
    const tag = schema.discriminator!.propertyName
    const valuesByBranch = new Map<string, string[]>()
    for (const [value, ref] of Object.entries(mapping)) {
      const branch = refName(ref)
      valuesByBranch.set(branch, [...(valuesByBranch.get(branch) ?? []), value])
    }
    for (const [branch, values] of valuesByBranch) {
      const target = schemas[branch]
      if (target === undefined) throw new Error(`discriminator maps to unknown schema ${branch}`)
      const property = target.properties?.[tag] ?? { type: 'string' }
      target.properties = { ...target.properties, [tag]: { ...property, type: 'string', enum: values } }
      if (!(target.required ?? []).includes(tag)) target.required = [...(target.required ?? []), tag]
    }
  }
  const usedSchemes = new Set<string>()
  for (const { operation } of listOperations(doc)) {
    for (const alternative of operation.security ?? []) for (const name of Object.keys(alternative)) usedSchemes.add(name)
  }
  if (usedSchemes.has('sessionToken') && doc.components.securitySchemes.sessionToken === undefined) {
    doc.components.securitySchemes.sessionToken = { type: 'apiKey', in: 'header', name: 'X-Session-Token' }
  }
  return doc
}
