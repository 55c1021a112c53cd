import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import type { ValueError } from '@sinclair/typebox/errors'
import type { Issue } from '../errors.js'

// One way to compile a TypeBox check and to list a value's problems, for the routes' checks, the mirror's flow-body
// validators and the response validator. Checks are compiled after the server listens rather than before: the app's
// CheckRegistry compiles them in the background, one per turn of the event loop, and a request that arrives first
// compiles only its own. Start-up does not wait for the compiler, and no request waits for more than its own check.

/** Problems reported per value at most: enough to fix a request, never a flood. */
export const MAX_ISSUES = 10

// RFC 6901 §3: `~` and `/` in a reference token are written `~0` and `~1`.
export function escapeToken (token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1')
}

/** TypeBox's own report of each error: its JSON Pointer and message. */
function * asReported (error: ValueError): Generator<Issue> {
  yield { path: error.path, message: error.message }
}

/** The compiled check of a schema, which may refer (`$ref`) to any of `references`. */
export function compileCheck (schema: TSchema, references: TSchema[] = []): TypeCheck<TSchema> {
  return TypeCompiler.Compile(schema, references)
}

/** A value's problems, at most `max` of them; none when it passes. `explain` may report an error more precisely. */
export function issuesOf (
  check: TypeCheck<TSchema>,
  value: unknown,
  max = MAX_ISSUES,
  explain: (error: ValueError) => Iterable<Issue> = asReported
): Issue[] {
  if (check.Check(value)) return []
  const issues: Issue[] = []
  for (const error of check.Errors(value)) {
    for (const issue of explain(error)) {
      issues.push(issue)
      if (issues.length >= max) return issues
    }
  }
  return issues
}

/** What the registry compiles: a check, or a validator of several. */
export interface Compilable {
  compile (): void
}

/** An app's checks not compiled yet; the checks plugin compiles them once the server listens. */
export class CheckRegistry {
  readonly #pending = new Set<Compilable>()

  add (item: Compilable): void {
    this.#pending.add(item)
  }

  /** Taken off the list: compiled, or about to be. */
  delete (item: Compilable): void {
    this.#pending.delete(item)
  }

  get pending (): number {
    return this.#pending.size
  }

  /**
   * Compiles every check registered so far, one per turn of the event loop so that requests arriving meanwhile are
   * not held up. A check the compiler refuses does not stop the others: it fails its own route when first used, and
   * the warm-up rejects with the first such error once the rest are compiled. An aborted signal ends the warm-up (the
   * app closes).
   */
  async compile (signal?: AbortSignal): Promise<void> {
    let refused: { err: unknown } | undefined
    for (const item of [...this.#pending]) {
      await new Promise(resolve => setImmediate(resolve))
      if (signal?.aborted === true) return
      try {
        item.compile()
      } catch (err) {
        refused ??= { err }
      }
    }
    if (refused !== undefined) throw refused.err
  }
}

/** A TypeBox check compiled on first use or by the app's warm-up, whichever comes first. */
export class LazyCheck implements Compilable {
  #schema: TSchema | undefined
  readonly #references: TSchema[]
  readonly #registry: CheckRegistry | undefined
  #check: TypeCheck<TSchema> | undefined

  constructor (schema: TSchema, references: TSchema[] = [], registry?: CheckRegistry) {
    this.#schema = schema
    this.#references = references
    this.#registry = registry
    registry?.add(this)
  }

  get check (): TypeCheck<TSchema> {
    return this.#check ?? this.#compile()
  }

  /** The value's problems, at most MAX_ISSUES of them; none when it passes. */
  issues (value: unknown): Issue[] {
    return issuesOf(this.check, value)
  }

  compile (): void {
    this.#compile()
  }

  #compile (): TypeCheck<TSchema> {
    if (this.#check === undefined) {
      // Off the warm-up's list first: a schema the compiler refuses fails its own route, not the warm-up of the rest.
      this.#registry?.delete(this)
      this.#check = compileCheck(this.#schema!, this.#references)
      this.#schema = undefined
    }
    return this.#check
  }
}
