import { Type, type TSchema } from '@sinclair/typebox'
import type { TypeCheck } from '@sinclair/typebox/compiler'
import type { Issue } from '../errors.js'
import { compileCheck, escapeToken, issuesOf, type CheckRegistry, type Compilable } from '../schemas/check.js'
import { discriminators, models } from '../schemas/generated/models.js'
import { registerFormats } from '../schemas/formats.js'
import { isForm, unflatten } from './form.js'

registerFormats()

// The body of a flow update is held to Ory's model before it leaves the BFF: the `method` discriminator selects the
// model, and a body that is not an object, names an unknown method or has a value of the wrong type is refused with
// the JSON path of each problem. A field that is merely missing is not: Ory reports that itself as a message on the
// form field (4000002 "Property … is missing"), which is what the SPA wants to show. Each branch is compiled once:
// in the background right after the server listens (the app's CheckRegistry), or by the first body that needs it,
// whichever comes first. So start-up does not wait for the compiler, and a request waits at most for its own model.

type Scalar = 'boolean' | 'number' | 'integer'

interface Branch {
  check: TypeCheck<TSchema>
  /** Properties that are not strings in the model: a form sends them as text, which Ory converts. */
  scalars: ReadonlyMap<string, Scalar>
}

/** A branch compiled on first use. */
class LazyBranch {
  readonly #model: TSchema
  #compiled: Branch | undefined

  constructor (model: TSchema) {
    this.#model = model
  }

  get compiled (): Branch {
    this.#compiled ??= compileBranch(this.#model)
    return this.#compiled
  }

  compile (): void {
    this.#compiled ??= compileBranch(this.#model)
  }
}

function compileBranch (model: TSchema): Branch {
  // Every property optional (missing ones are Ory's to report); types, formats and nested shapes still checked.
  const check = compileCheck(Type.Partial(model))
  const scalars = new Map<string, Scalar>()
  for (const [name, property] of Object.entries((model.properties ?? {}) as Record<string, TSchema>)) {
    if (property.type === 'boolean' || property.type === 'number' || property.type === 'integer') scalars.set(name, property.type)
  }
  return { check, scalars }
}

function coerce (value: unknown, type: Scalar): unknown {
  if (typeof value !== 'string') return value
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value
  const number = value.trim() === '' ? Number.NaN : Number(value)
  return Number.isFinite(number) && (type === 'number' || Number.isInteger(number)) ? number : value
}

/** The validator for one request body model of the spec (a discriminated union or a plain object). */
export class FlowBodyValidator implements Compilable {
  readonly modelId: string
  readonly #registry: CheckRegistry | undefined
  readonly #tag: string | undefined
  readonly #branches: ReadonlyMap<string, LazyBranch>
  readonly #single: LazyBranch | undefined

  /** `registry`: the app's, which compiles every branch once the server listens. */
  constructor (modelId: string, registry?: CheckRegistry) {
    const model = (models as Record<string, TSchema>)[modelId]
    if (model === undefined) throw new Error(`no model ${modelId}`)
    this.modelId = modelId
    const discriminator = discriminators[modelId]
    if (discriminator === undefined) {
      this.#single = new LazyBranch(model)
      this.#branches = new Map()
    } else {
      this.#tag = discriminator.propertyName
      this.#branches = new Map(Object.entries(discriminator.mapping).map(([tag, id]) => {
        const branch = (models as Record<string, TSchema>)[id]
        if (branch === undefined) throw new Error(`no model ${id} (a branch of ${modelId})`)
        return [tag, new LazyBranch(branch)]
      }))
    }
    this.#registry = registry
    registry?.add(this)
  }

  /** Compiles every branch now (the background warm-up). */
  compile (): void {
    // Off the warm-up's list first, as LazyCheck does: a model the compiler refuses fails its own route only.
    this.#registry?.delete(this)
    this.#single?.compile()
    for (const branch of this.#branches.values()) branch.compile()
  }

  /** The tags the discriminator accepts (the values of `method`). */
  get tags (): string[] {
    return [...this.#branches.keys()]
  }

  /** The problems of a body (a parsed form or JSON value); an empty list when it may go to Ory. */
  validate (body: unknown): Issue[] {
    let value = body
    const form = isForm(body)
    if (form) {
      const nested = unflatten(body)
      if (nested.conflict !== undefined) {
        return [{ path: `/${nested.conflict.split('.').map(escapeToken).join('/')}`, message: 'Expected a field that is not also the parent of other fields' }]
      }
      value = nested.value
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ path: '', message: 'Expected an object' }]
    const record = value as Record<string, unknown>

    let lazy = this.#single
    if (this.#tag !== undefined) {
      const tag = record[this.#tag]
      // No method at all: Kratos answers with its own form message ("could not find a strategy").
      if (tag === undefined) return []
      lazy = typeof tag === 'string' ? this.#branches.get(tag) : undefined
      if (lazy === undefined) {
        return [{ path: `/${escapeToken(this.#tag)}`, message: `Expected ${this.#tag} to be one of ${this.tags.map(t => JSON.stringify(t)).join(', ')}` }]
      }
    }
    const branch = lazy!.compiled
    if (form && branch.scalars.size > 0) {
      const converted: Record<string, unknown> = { ...record }
      for (const [name, type] of branch.scalars) if (name in converted) converted[name] = coerce(converted[name], type)
      value = converted
    }
    return issuesOf(branch.check, value)
  }
}
