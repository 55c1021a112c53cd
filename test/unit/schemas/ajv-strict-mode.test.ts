import t from 'tap'
import { Ajv } from 'ajv'
import { models } from '../../../src/schemas/index.js'
import { formats } from '../../../src/schemas/formats.js'

// Ajv's defaults are strict: unknown keywords throw, and a keyword on a type it does not apply to is logged (Ory's
// spec puts `minimum` on the string page_token). Fastify keeps those defaults, so every model must compile without
// a throw and without a warning in its logs.
t.test("every model compiles under Ajv's default strict mode without a warning", async t => {
  const logged: string[] = []
  const logger = { log: () => {}, warn: (...args: unknown[]) => { logged.push(args.join(' ')) }, error: (...args: unknown[]) => { logged.push(args.join(' ')) } }
  const ajv = new Ajv({ logger })
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check)
  for (const schema of Object.values(models)) ajv.addSchema(schema)

  const failures: string[] = []
  for (const id of Object.keys(models)) {
    try {
      ajv.compile({ $ref: id })
    } catch (err) {
      failures.push(`${id}: ${(err as Error).message}`)
    }
  }
  t.same(failures, [])
  t.same(logged, [])
})
