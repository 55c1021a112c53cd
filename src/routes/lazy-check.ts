import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'

// The routes' TypeBox checks (query, path, the BFF's own bodies) are compiled after the server listens rather than
// before: compileLazyChecks() compiles them in the background, one per turn of the event loop, and a request that
// arrives first compiles only its own route's check. Start-up does not wait for the compiler (≈ 60 checks), and no
// request waits for more than its own.

/** Checks not compiled yet. */
const pending = new Set<LazyCheck>()

export class LazyCheck {
  #schema: TSchema | undefined
  readonly #references: TSchema[]
  #check: TypeCheck<TSchema> | undefined

  constructor (schema: TSchema, references: TSchema[] = []) {
    this.#schema = schema
    this.#references = references
    pending.add(this)
  }

  get check (): TypeCheck<TSchema> {
    return this.#check ?? this.compile()
  }

  compile (): TypeCheck<TSchema> {
    if (this.#check === undefined) {
      this.#check = TypeCompiler.Compile(this.#schema!, this.#references)
      this.#schema = undefined
      pending.delete(this)
    }
    return this.#check
  }
}

/** Compiles every check made so far; the server calls it once it listens. */
export async function compileLazyChecks (): Promise<void> {
  for (const lazy of [...pending]) {
    await new Promise(resolve => setImmediate(resolve))
    lazy.compile()
  }
}
