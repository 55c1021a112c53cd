import { emitSchema, typeNames } from './typebox.js'
import { refName, type OpenApiDocument, type SchemaObject } from './spec.js'

function refersTo (schema: unknown, name: string): boolean {
  if (Array.isArray(schema)) return schema.some(item => refersTo(item, name))
  if (schema === null || typeof schema !== 'object') return false
  const record = schema as Record<string, unknown>
  if (typeof record.$ref === 'string' && record.$ref === `#/components/schemas/${name}`) return true
  return Object.values(record).some(value => refersTo(value, name))
}

function comment (text: string | undefined): string {
  if (text === undefined || text.trim() === '') return ''
  const lines = text.trim().replace(/\*\//g, '*\\/').split('\n')
  return `/**\n${lines.map(line => ` *${line === '' ? '' : ` ${line}`}`).join('\n')}\n */\n`
}

export function emitModels (doc: OpenApiDocument, banner: string): string {
  const schemas = doc.components.schemas
  const specNames = Object.keys(schemas).sort((a, b) => a.localeCompare(b, 'en'))
  const names = typeNames(specNames)
  const out: string[] = [
    banner,
    "import { Type, type Static } from '@sinclair/typebox'",
    "import { ref } from '../ref.js'",
    ''
  ]
  for (const specName of specNames) {
    const schema = schemas[specName] as SchemaObject
    const typeName = names.get(specName)!
    const id = { $id: specName }
    let expr: string
    if (refersTo(schema, specName)) {
      expr = `Type.Recursive(This => ${emitSchema(schema, { names, self: specName })}, ${JSON.stringify(id)})`
    } else if (schema.$ref !== undefined) {
      expr = `ref<${names.get(refName(schema.$ref))!}>(${JSON.stringify(refName(schema.$ref))}, ${JSON.stringify(id)})`
    } else {
      expr = emitSchema(schema, { names }, id)
    }
    out.push(`${comment(schema.description)}export const ${typeName} = ${expr}`)
    out.push(`export type ${typeName} = Static<typeof ${typeName}>`)
    out.push('')
  }
  out.push('/** Every model of the spec, by its spec name (which is also its `$id`). */')
  out.push('export const models = {')
  out.push(specNames.map(name => `  ${JSON.stringify(name)}: ${names.get(name)!}`).join(',\n'))
  out.push('} as const')
  out.push('')
  out.push('export type ModelName = keyof typeof models')
  out.push('')
  const discriminators: Record<string, { propertyName: string, mapping: Record<string, string> }> = {}
  for (const specName of specNames) {
    const { discriminator } = schemas[specName] as SchemaObject
    if (discriminator?.mapping === undefined) continue
    const mapping: Record<string, string> = {}
    for (const [value, target] of Object.entries(discriminator.mapping)) mapping[value] = refName(target)
    discriminators[specName] = { propertyName: discriminator.propertyName, mapping }
  }
  out.push('/** The `discriminator` of each `oneOf` model: which value of which property selects which branch. */')
  out.push(`export const discriminators: Readonly<Record<string, { readonly propertyName: string, readonly mapping: Readonly<Record<string, ModelName>> }>> = ${JSON.stringify(discriminators, null, 2).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:')}`)
  out.push('')
  return out.join('\n')
}
