import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'

// The routes' TypeBox checks (query, path, the BFF's own bodies) are compiled after the server listens rather than
// before: compileLazyChecks() compiles them in the background, one per turn of the event loop, and a request that
// arrives first compiles only its own route's check. Start-up does not wait for the compiler (≈ 60 checks), and no
// request waits for more than its own.

/** Problems reported per value at most: enough to fix a request, never a flood. */
const MAX_ISSUES = 10

/** One problem of a value: the JSON Pointer (RFC 6901) into it, and what is wrong there. */
export interface CheckIssue {
  path: string
  message: string
}

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

  /** The value's problems, at most MAX_ISSUES of them; none when it passes. */
  issues (value: unknown): CheckIssue[] {
    const check = this.check
    if (check.Check(value)) return []
    const issues: CheckIssue[] = []
    for (const error of check.Errors(value)) {
      issues.push({ path: error.path, message: error.message })
      if (issues.length >= MAX_ISSUES) break
    }
    return issues
  }

  compile (): TypeCheck<TSchema> {
    if (this.#check === undefined) {
      // Out of the warm-up's list first: a schema the compiler refuses fails its own route, not the warm-up of the rest.
      pending.delete(this)
      this.#check = TypeCompiler.Compile(this.#schema!, this.#references)
      this.#schema = undefined
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
