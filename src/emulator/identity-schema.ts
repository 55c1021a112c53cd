import type { UiNode, UiText } from '../schemas/index.js'
import { inputNode, texts, type NodeGroup } from './ui.js'

/**
 * The identity schema the emulator ships with: an email (the password identifier, verified and recovered by email)
 * and an optional first and last name. It has the shape of the schemas Kratos reads
 * (https://www.ory.sh/docs/kratos/manage-identities/identity-schema): `ory.sh/kratos` says which trait is a
 * credential identifier and which addresses are verifiable and recoverable.
 */
export const DEFAULT_SCHEMA_ID = 'default'

export const defaultIdentitySchema: JsonSchema = {
  $id: 'https://schemas.ory.sh/presets/kratos/emulator/email-name.schema.json',
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Person',
  type: 'object',
  properties: {
    traits: {
      type: 'object',
      properties: {
        email: {
          type: 'string',
          format: 'email',
          title: 'E-Mail',
          minLength: 3,
          maxLength: 320,
          'ory.sh/kratos': {
            credentials: { password: { identifier: true } },
            verification: { via: 'email' },
            recovery: { via: 'email' }
          }
        },
        name: {
          type: 'object',
          properties: {
            first: { type: 'string', title: 'First Name', maxLength: 256 },
            last: { type: 'string', title: 'Last Name', maxLength: 256 }
          },
          additionalProperties: false
        }
      },
      required: ['email'],
      additionalProperties: false
    }
  }
}

/** The part of JSON Schema identity schemas use; anything else in a custom schema is ignored. */
export interface JsonSchema {
  $id?: string
  $schema?: string
  title?: string
  type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array'
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean
  format?: string
  minLength?: number
  maxLength?: number
  pattern?: string
  items?: JsonSchema
  'ory.sh/kratos'?: {
    credentials?: { password?: { identifier?: boolean } }
    verification?: { via?: string }
    recovery?: { via?: string }
  }
}

/** A validation problem at a trait, named the way the UI node is (`traits.email`), with Ory's message. */
export interface TraitIssue {
  node: string
  message: UiText
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function typeOf (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function typeMatches (expected: JsonSchema['type'], value: unknown): boolean {
  const actual = typeOf(value)
  return expected === undefined || actual === expected || (expected === 'number' && actual === 'integer')
}

function check (schema: JsonSchema, value: unknown, path: string, issues: TraitIssue[]): void {
  if (!typeMatches(schema.type, value)) {
    issues.push({ node: path, message: texts.wrongType(schema.type ?? 'any', typeOf(value)) })
    return
  }
  if (typeof value === 'string') {
    const length = [...value].length
    if (schema.minLength !== undefined && length < schema.minLength) issues.push({ node: path, message: texts.minLength(schema.minLength, length) })
    if (schema.maxLength !== undefined && length > schema.maxLength) issues.push({ node: path, message: texts.maxLength(schema.maxLength, length) })
    if (schema.format === 'email' && !EMAIL.test(value)) issues.push({ node: path, message: texts.generic(`${JSON.stringify(value)} is not valid "email"`) })
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      issues.push({ node: path, message: texts.generic(`does not match pattern ${JSON.stringify(schema.pattern)}`) })
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => check(schema.items!, item, `${path}.${index}`, issues))
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>
    for (const name of schema.required ?? []) {
      if (object[name] === undefined || object[name] === '') issues.push({ node: `${path}.${name}`, message: texts.required(name) })
    }
    for (const [name, inner] of Object.entries(object)) {
      const property = schema.properties?.[name]
      if (property === undefined) {
        if (schema.additionalProperties === false) issues.push({ node: path, message: texts.generic(`additionalProperties ${JSON.stringify(name)} not allowed`) })
        continue
      }
      if (inner === undefined || (inner === '' && !(schema.required ?? []).includes(name))) continue
      check(property, inner, `${path}.${name}`, issues)
    }
  }
}

export class IdentitySchemaDocument {
  readonly id: string
  readonly schema: JsonSchema

  constructor (id: string, schema: JsonSchema) {
    this.id = id
    this.schema = schema
  }

  get traits (): JsonSchema {
    return this.schema.properties?.traits ?? { type: 'object' }
  }

  /** Problems with the traits, each at the node it belongs to; empty when they are valid. */
  validate (traits: unknown): TraitIssue[] {
    const issues: TraitIssue[] = []
    if (traits === undefined || traits === null) {
      for (const name of this.traits.required ?? []) issues.push({ node: `traits.${name}`, message: texts.required(name) })
      return issues
    }
    check(this.traits, traits, 'traits', issues)
    return issues
  }

  /** Trait paths (`email`, `name.first`) with their schema, depth first. */
  leaves (): Array<{ path: string, schema: JsonSchema, required: boolean }> {
    const out: Array<{ path: string, schema: JsonSchema, required: boolean }> = []
    const walk = (schema: JsonSchema, prefix: string, required: boolean): void => {
      if (schema.type === 'object' && schema.properties !== undefined) {
        for (const [name, inner] of Object.entries(schema.properties)) {
          walk(inner, prefix === '' ? name : `${prefix}.${name}`, (schema.required ?? []).includes(name))
        }
        return
      }
      out.push({ path: prefix, schema, required })
    }
    walk(this.traits, '', false)
    return out
  }

  private valuesWith (traits: unknown, select: (schema: JsonSchema) => boolean): string[] {
    const values: string[] = []
    for (const leaf of this.leaves()) {
      if (!select(leaf.schema)) continue
      const value = getPath(traits, leaf.path)
      if (typeof value === 'string' && value !== '') values.push(value.trim().toLowerCase())
    }
    return [...new Set(values)]
  }

  /** The values that identify the identity for the password method (lower-cased, as Kratos stores email identifiers). */
  passwordIdentifiers (traits: unknown): string[] {
    return this.valuesWith(traits, schema => schema['ory.sh/kratos']?.credentials?.password?.identifier === true)
  }

  verifiableAddresses (traits: unknown): string[] {
    return this.valuesWith(traits, schema => schema['ory.sh/kratos']?.verification?.via === 'email')
  }

  recoveryAddresses (traits: unknown): string[] {
    return this.valuesWith(traits, schema => schema['ory.sh/kratos']?.recovery?.via === 'email')
  }

  /** The title of the identifier trait, which Kratos uses as the label of the login `identifier` field. */
  identifierLabel (): string {
    const leaf = this.leaves().find(l => l.schema['ory.sh/kratos']?.credentials?.password?.identifier === true)
    return leaf?.schema.title ?? 'ID'
  }

  /** One input node per trait, with the values and messages the flow carries. */
  traitNodes (group: NodeGroup, values: unknown, messages: Readonly<Record<string, UiText[]>>): UiNode[] {
    return this.leaves().map(leaf => {
      const name = `traits.${leaf.path}`
      const schema = leaf.schema
      const type = schema.format === 'email'
        ? 'email'
        : schema.type === 'boolean' ? 'checkbox' : schema.type === 'number' || schema.type === 'integer' ? 'number' : 'text'
      return inputNode(group, name, type, {
        value: getPath(values, leaf.path),
        required: leaf.required,
        autocomplete: schema.format === 'email' ? 'email' : undefined,
        label: texts.labelGenerated(schema.title ?? leaf.path, name),
        messages: messages[name]
      })
    })
  }
}

export function getPath (value: unknown, path: string): unknown {
  let current = value
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
