import t from 'tap'
import { DEFAULT_SPEC, drift, generate } from '../../../scripts/generate.js'

t.test('the committed generated code is what the generator makes from the spec', async t => {
  const files = await generate(DEFAULT_SPEC)
  t.ok(files.size >= 16, 'models, operation table, index and 13 group modules')
  t.same(await drift(files), [], 'no generated file differs; run `npm run generate`')
})
