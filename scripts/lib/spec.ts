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
  description?: string
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
 * - Durations are patterned as one number and one unit (`^[0-9]+(ns|us|ms|s|m|h)$`), but Ory's Go services read and
 *   write Go's duration syntax (`time.Duration.String()`: Hydra answers `"1h0m0s"`); the pattern is widened to it.
 * - A few values are written as `null` by Ory although the document does not say they may be (see NULLABLE).
 * - `errorBrowserLocationChangeRequired.error` refers to `errorGeneric`, which would nest `{ error: { error } }`;
 *   Kratos sends the plain error object there (`genericError`, as in every other error body).
 * - Some browser self-service operations (creating registration, recovery and verification flows, FedCM) do not
 *   declare the `Cookie` header, although Kratos reads its CSRF and session cookies on every browser request.
 */
const SPEC_DURATION = '[0-9]+(ns|us|ms|s|m|h)'
// One Go duration unit. Every unit ends in letters, so a run of them splits one way only: no backtracking blow-up.
const GO_DURATION_UNIT = '[0-9]+(?:\\.[0-9]+)?(?:ns|us|µs|ms|s|m|h)'

/**
 * Properties Ory writes as `null` that the document does not mark nullable: Hydra's client `skip_logout_consent`
 * when unset, and Go's `sqlxx.NullTime`, which marshals a zero time as `null`.
 */
const NULLABLE: ReadonlyArray<[schema: string, property?: string]> = [
  ['oAuth2Client', 'skip_logout_consent'],
  ['nullTime']
]

function widenDurations (value: unknown): void {
  if (Array.isArray(value)) { value.forEach(widenDurations); return }
  if (value === null || typeof value !== 'object') return
  const schema = value as SchemaObject
  if (schema.type === 'string' && typeof schema.pattern === 'string' && schema.pattern.includes(SPEC_DURATION)) {
    const at = schema.pattern.indexOf(SPEC_DURATION)
    // Where the spec already repeats the unit (`([0-9]+(…))*`), repeating it again would nest quantifiers.
    const repeated = schema.pattern.startsWith(')*', at + SPEC_DURATION.length)
    const replacement = repeated ? GO_DURATION_UNIT : `(?:${GO_DURATION_UNIT})+`
    schema.pattern = schema.pattern.slice(0, at) + replacement + schema.pattern.slice(at + SPEC_DURATION.length)
  }
  for (const [key, inner] of Object.entries(schema)) {
    // `properties` maps names to schemas; a property may itself be called `pattern`.
    if (key === 'properties') Object.values(inner as object).forEach(widenDurations)
    else if (typeof inner === 'object') widenDurations(inner)
  }
}

export function normalizeSpec (source: OpenApiDocument): OpenApiDocument {
  const doc = structuredClone(source)
  const schemas = doc.components.schemas
  widenDurations(schemas)
  widenDurations(doc.paths)
  const locationChange = schemas.errorBrowserLocationChangeRequired?.properties
  if (locationChange?.error?.$ref === '#/components/schemas/errorGeneric') {
    locationChange.error = { $ref: '#/components/schemas/genericError' }
  }
  for (const { path, operation } of listOperations(doc)) {
    const browser = path.startsWith('/self-service/') && !path.endsWith('/api') && path !== '/self-service/errors'
    const parameters = operation.parameters ?? []
    if (browser && !parameters.some(p => p.in === 'header' && p.name.toLowerCase() === 'cookie')) {
      operation.parameters = [...parameters, { name: 'Cookie', in: 'header', required: false, description: 'HTTP Cookies', schema: { type: 'string' } }]
    }
  }
  for (const [name, property] of NULLABLE) {
    const schema = schemas[name]
    const target = property === undefined ? schema : schema?.properties?.[property]
    if (target !== undefined && target.$ref === undefined) target.nullable = true
  }
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
