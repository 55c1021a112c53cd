import t from 'tap'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { DEFAULT_SPEC } from '../../../scripts/generate.js'
import { loadSpec } from '../../../scripts/lib/spec.js'
import { models } from '../../../src/schemas/index.js'
import '../../../src/schemas/validator.js'

const doc = await loadSpec(DEFAULT_SPEC)
const specNames = Object.keys(doc.components.schemas)

t.test('every model compiles and carries its spec name as a unique $id', async t => {
  const entries = Object.entries(models) as Array<[string, TSchema]>
  t.equal(entries.length, 362)
  t.same(entries.map(([name]) => name).sort(), [...specNames].sort(), 'the registry holds exactly the spec names')
  t.same(entries.filter(([name, schema]) => schema.$id !== name).map(([name]) => name), [], 'each $id is its spec name')
  const ids = entries.map(([, schema]) => schema.$id)
  t.equal(new Set(ids).size, ids.length, '$ids are unique (case matters: NullTime and nullTime are two)')

  const references = entries.map(([, schema]) => schema)
  const failures: string[] = []
  for (const [name, schema] of entries) {
    try {
      TypeCompiler.Compile(schema, references)
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`)
    }
  }
  t.same(failures, [], 'TypeBox compiles every model with the others as references')
})
