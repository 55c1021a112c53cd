/**
 * Builds the smallest value that satisfies a schema: required properties only, the first branch of a union, the
 * first value of an enum, and format-correct strings. It reads OpenAPI schemas (`#/components/schemas/x` refs,
 * `nullable`) and the generated TypeBox models (`x` refs) alike.
 */
export type SchemaLike = Record<string, unknown>

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2026-01-02T03:04:05Z',
  date: '2026-01-02',
  uuid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  uuid4: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  email: 'ada@example.com',
  uri: 'https://app.example.com/',
  url: 'https://app.example.com/'
}

export function sample (schema: SchemaLike, resolve: (ref: string) => SchemaLike, depth = 0): unknown {
  if (depth > 20) throw new Error('sample: schema nests too deeply')
  const next = (inner: unknown): unknown => sample(inner as SchemaLike, resolve, depth + 1)
  if (typeof schema.$ref === 'string') return next(resolve(schema.$ref))
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum[0]
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key]
    if (Array.isArray(branches)) return next(branches.find(b => (b as SchemaLike).type !== 'null') ?? branches[0])
  }
  if (schema.default !== undefined) return schema.default
  switch (schema.type) {
    case 'string': {
      const format = typeof schema.format === 'string' ? FORMAT_SAMPLES[schema.format] : undefined
      if (format !== undefined) return format
      if (typeof schema.pattern === 'string' && schema.pattern.includes('ns|us|ms')) return '1s'
      return 'sample'
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1
    case 'boolean':
      return true
    case 'null':
      return null
    case 'array':
      return typeof schema.minItems === 'number' && schema.minItems > 0 ? [next(schema.items)] : []
    case 'object': {
      const out: Record<string, unknown> = {}
      const properties = (schema.properties ?? {}) as Record<string, SchemaLike>
      for (const name of (schema.required ?? []) as string[]) {
        out[name] = properties[name] === undefined ? 'sample' : next(properties[name])
      }
      return out
    }
    default:
      return {}
  }
}
